//! The contests a collector serves: every contest package in a folder with its bank, read by
//! the app's own core, and the region data.

use kepu_quiz::core::Message;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kepu_quiz::core::exchange::ledger_file::RecordCheck;
use kepu_quiz::core::formats::codec::SerdeJson;
use kepu_quiz::core::model::bank::Bank;
use kepu_quiz::core::model::contest::{BankSource, Contest, ContestError};
use kepu_quiz::core::model::region::RegionTable;
use kepu_quiz::core::Lang;

/// One contest as the collector checks its attempts.
pub struct ServedContest {
    pub contest: Contest,
    pub bank: Bank,
    /// [`Contest::fingerprint`] of the package's rules and bank.
    pub fingerprint: String,
    /// Each question's place in the bank, to store answers compactly.
    pub index: HashMap<String, u16>,
}

impl ServedContest {
    pub fn record_check(&self, now: i64) -> RecordCheck<'_> {
        RecordCheck { contest: &self.contest, known: vec![(self.fingerprint.clone(), &self.contest, &self.bank)], now }
    }
}

pub struct Contests {
    pub by_id: HashMap<String, ServedContest>,
    pub regions: RegionTable,
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads every `*.json` of `folder` that is a contest package (banks and region files are
/// skipped); a package that is broken, or two with one id, stop the start.
pub fn load(folder: &Path, regions: Option<&Path>) -> Result<Contests, String> {
    let regions_path: PathBuf = regions.map(Path::to_path_buf).unwrap_or_else(|| folder.join("regions.json"));
    let regions = RegionTable::from_json(&read(&regions_path)?)
        .map_err(|e| format!("{}: {}", regions_path.display(), e.message(Lang::En)))?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut by_id = HashMap::new();
    for path in paths {
        let text = read(&path)?;
        let (contest, source) = match Contest::from_json(&text) {
            Ok(c) => c,
            Err(ContestError::WrongFormat) => continue,
            Err(e) => return Err(format!("{}: {}", path.display(), e.message(Lang::En))),
        };
        let bank = match source {
            BankSource::Inline(bank) => *bank,
            BankSource::Path(rel) => {
                let bank_path = path.parent().unwrap_or(folder).join(rel);
                Bank::from_json(&read(&bank_path)?)
                    .map_err(|e| format!("{}: {}", bank_path.display(), e.message(Lang::En)))?
            }
        };
        if let Some(problem) = contest.shortfalls(&bank).first() {
            return Err(format!("{}: {}", path.display(), problem.message(Lang::En)));
        }
        let id = contest.rules.id.clone();
        let index = bank.questions.iter().enumerate().map(|(i, q)| (q.id.clone(), i as u16)).collect();
        let fingerprint = contest.fingerprint::<SerdeJson>(&bank);
        if by_id.insert(id.clone(), ServedContest { contest, bank, fingerprint, index }).is_some() {
            return Err(format!("{}: a second contest with id {id}", path.display()));
        }
    }
    if by_id.is_empty() {
        return Err(format!("{}: no contest package", folder.display()));
    }
    Ok(Contests { by_id, regions })
}
