//! A contest ready to run on this device: the package's rules and bank, and those in force
//! after the organizer's changes here (a saved bank, edited rules). [`in_force`] is the one
//! rule for which apply; the citizen's loader and the organizer's desk both use it.

use std::rc::Rc;

use crate::core::formats::codec::Json;
use crate::core::model::bank::{Bank, BankError, Explanations};
use crate::core::model::contest::{Contest, RuleProblem};
use crate::core::play::ledger::PackageRules;
use crate::core::storage::organizer::{check_rules, ContestSetup, SavedBank};
use crate::core::{Lang, Message};

/// Why the organizer's setup for a contest cannot be used on this device.
#[derive(Clone, Debug, PartialEq)]
pub enum SetupProblem {
    /// The saved bank it names is no longer here.
    NoSuchBank,
    /// The saved bank it names cannot be read.
    Bank(BankError),
    /// The rules are not valid, or the bank cannot fill their mix.
    Rules(Vec<RuleProblem>),
}

impl Message for SetupProblem {
    fn message(&self, lang: Lang) -> String {
        match self {
            SetupProblem::NoSuchBank => lang.pick("找不到这个题库", "No such bank").into(),
            SetupProblem::Bank(e) => e.message(lang),
            SetupProblem::Rules(problems) => problems.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("\n"),
        }
    }
}

/// The rules and bank a contest runs by on this device: the saved bank and the rules that
/// `setup` names, each the package's own where it names none. A setup that does not fit is
/// refused with the reason, never half used.
pub fn in_force<J: Json>(
    package_contest: &Rc<Contest>,
    package_bank: &Rc<Bank>,
    setup: &ContestSetup,
    banks: &[SavedBank],
) -> Result<(Rc<Contest>, Rc<Bank>), SetupProblem> {
    let bank = match &setup.bank_id {
        None => package_bank.clone(),
        Some(id) => {
            let saved = banks.iter().find(|b| &b.id == id).ok_or(SetupProblem::NoSuchBank)?;
            Rc::new(saved.bank::<J>().map_err(SetupProblem::Bank)?)
        }
    };
    let contest = match setup.rules.clone().filter(|r| r.id == package_contest.rules.id) {
        None => package_contest.clone(),
        Some(rules) => Rc::new(check_rules(rules, &bank).map_err(SetupProblem::Rules)?),
    };
    let shortfalls = contest.shortfalls(&bank);
    match shortfalls.is_empty() {
        true => Ok((contest, bank)),
        false => Err(SetupProblem::Rules(shortfalls)),
    }
}

/// A contest ready to run, and the package it came from.
pub struct Loaded {
    pub contest: Rc<Contest>,
    pub bank: Rc<Bank>,
    /// The path given in `?contest=` (or the default), relative to the app root.
    pub path: String,
    /// The package's own rules and bank, before this device's changes.
    pub package_contest: Rc<Contest>,
    pub package_bank: Rc<Bank>,
    /// `contest.fingerprint(bank)`: what attempts played now record of the rules in force.
    pub in_force: String,
    /// The package's own rules as attempts record them, to flag those played under others.
    pub package_rules: PackageRules,
    /// Why the organizer's setup on this device was passed over, if it was.
    pub passed_over: Option<SetupProblem>,
}

impl Loaded {
    /// The contest at `path` as it runs on this device: under the organizer's setup where it
    /// fits ([`in_force`]), else as the package has it (the organizer's page says why), so
    /// citizens always get a working contest. `Err` when the package's own bank cannot fill
    /// its own rules.
    pub fn on_device<J: Json>(
        path: &str,
        package_contest: Rc<Contest>,
        package_bank: Rc<Bank>,
        setup: &ContestSetup,
        banks: &[SavedBank],
    ) -> Result<Loaded, Vec<RuleProblem>> {
        let (contest, bank, passed_over) = match in_force::<J>(&package_contest, &package_bank, setup, banks) {
            Ok((contest, bank)) => (contest, bank, None),
            Err(problem) => {
                let shortfalls = package_contest.shortfalls(&package_bank);
                if !shortfalls.is_empty() {
                    return Err(shortfalls);
                }
                (package_contest.clone(), package_bank.clone(), Some(problem))
            }
        };
        Ok(Loaded {
            in_force: contest.fingerprint::<J>(&bank),
            package_rules: PackageRules::of::<J>(&package_contest, &package_bank),
            contest,
            bank,
            path: path.to_string(),
            package_contest,
            package_bank,
            passed_over,
        })
    }

    /// The same contest with `found` filled into the package's bank (and into the bank in
    /// force when that is the package's); `None` when `found` is for another bank.
    pub fn with_explanations(&self, found: &Explanations) -> Option<Loaded> {
        let package_bank = Rc::new(self.package_bank.with_explanations(found)?);
        let bank = match Rc::ptr_eq(&self.bank, &self.package_bank) {
            true => package_bank.clone(),
            false => self.bank.clone(),
        };
        Some(Loaded {
            contest: self.contest.clone(),
            bank,
            path: self.path.clone(),
            package_contest: self.package_contest.clone(),
            package_bank,
            in_force: self.in_force.clone(),
            package_rules: self.package_rules.clone(),
            passed_over: self.passed_over.clone(),
        })
    }
}
