//! A contest ready to run on this device: the package's rules and bank, and those in force
//! after the organizer's changes here (a saved bank, edited rules). `web::loader` makes it.

use std::rc::Rc;

use crate::core::model::bank::{Bank, Explanations};
use crate::core::model::contest::Contest;
use crate::core::play::ledger::PackageRules;

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
}

impl Loaded {
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
        })
    }
}
