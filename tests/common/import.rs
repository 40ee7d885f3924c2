//! What the importer tests share: a fixture read from a folder of `tests/fixtures/`, and an
//! import that must succeed (the report) or must fail (the error).

use kepu_quiz::core::import::{import_file, ImportError, ImportReport};
use kepu_quiz::core::Lang;
use kepu_quiz::core::Message;

/// The bytes of `dir/name`.
pub fn read_fixture(dir: &str, name: &str) -> Vec<u8> {
    std::fs::read(format!("{dir}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The report of a file that must import.
pub fn import_bytes(name: &str, bytes: &[u8]) -> ImportReport {
    import_file(name, bytes).unwrap_or_else(|e| panic!("{}", e.message(Lang::Zh)))
}

/// The error of a file that must be refused.
pub fn failure(name: &str, bytes: &[u8]) -> ImportError {
    match import_file(name, bytes) {
        Ok(report) => panic!("{name} imported: {report:?}"),
        Err(e) => e,
    }
}
