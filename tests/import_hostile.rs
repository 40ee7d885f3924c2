//! Files that are not what their names say (issue #17, item 14): each is refused or read for
//! what it really is, never reported as a table missing its columns.

use kepu_quiz::core::import::{import_file, ImportFailure};
use kepu_quiz::core::Lang;
use kepu_quiz::core::Message;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("tests/fixtures/e2e/{name}")).unwrap()
}

#[test]
fn utf16_without_a_byte_order_mark_is_read_as_utf16() {
    let report = import_file("utf16-no-bom.csv", &fixture("utf16-no-bom.csv")).unwrap();
    assert_eq!(report.encoding.as_deref(), Some("UTF-16LE (no BOM)"));
    assert_eq!(report.questions.len(), 2);
    assert_eq!(report.questions[0].stem, "水的化学式是？");
}

#[test]
fn a_picture_renamed_csv_is_called_binary() {
    let err = import_file("image-renamed.csv", &fixture("image-renamed.csv")).unwrap_err();
    assert_eq!(err.reason, ImportFailure::NotText);
    let message = err.message(Lang::Zh);
    assert!(message.starts_with("image-renamed.csv 不是文本文件"), "{message}");
    assert!(!message.contains("缺少"), "{message}");
    // Whatever the extension says.
    for name in ["image.txt", "image.json", "image.gift"] {
        assert_eq!(
            import_file(name, &fixture("image-renamed.csv")).unwrap_err().reason,
            ImportFailure::NotText,
            "{name}"
        );
    }
}
