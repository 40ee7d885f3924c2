//! Checking the results collector's receipts on the organizer's device: a receipt is the
//! collector's Ed25519 signature of what it counted of an attempt
//! (`submission::receipt_message`); results files carry it with each attempt that has one
//! (`Attempt::receipt`), and the organizer's page counts how many attempts of a merged file, and
//! of all its data, carry a valid one, to set beside the collector's own count.
//!
//! An attempt whose receipt does not verify is **flagged, not refused**: anyone can strip a
//! receipt, and an attempt without one is merged on the record checks alone
//! (`ledger_file::RecordCheck`), so refusing the attempt would add no protection; it would only
//! lose honest attempts when the organizer holds the wrong key. What an invalid receipt does
//! show (a record changed after the collector signed it, or a receipt of another collector) is
//! told in the count, and the receipt is kept as it came, to be checked again with another key.
//!
//! Organizer-only: the citizen's app stores receipts but never verifies them, so none of this
//! (nor Ed25519) is in its wasm.

use serde::{Deserialize, Serialize};

use crate::core::exchange::submission::receipt_message;
use crate::core::model::rng::FastMap;
use crate::core::play::ledger::Attempt;
use crate::core::{Lang, Message};

/// The collector's public key (`GET /v1/receipt-key`), read once to check many receipts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectorKey {
    key: ed25519_dalek::VerifyingKey,
}

/// Why text is not a collector's public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAKey;

impl Message for NotAKey {
    fn message(&self, lang: Lang) -> String {
        lang.pick(
            "回执公钥无效：应为 64 位十六进制字符（收集服务器 /v1/receipt-key 中的 public_key）",
            "not a receipt key: 64 hex digits expected (public_key of the collector's /v1/receipt-key)",
        )
        .into()
    }
}

/// `N` bytes from exactly `2 × N` hex digits.
fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

impl CollectorKey {
    /// The key from its hex (spaces around it ignored, either case).
    pub fn parse(hex: &str) -> Result<CollectorKey, NotAKey> {
        let bytes = unhex::<32>(hex.trim()).ok_or(NotAKey)?;
        Ok(CollectorKey { key: ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| NotAKey)? })
    }

    /// Lowercase hex, as the collector publishes it.
    pub fn hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// Whether `receipt` (hex) is this key's signature of what the collector counted of
    /// `attempt` in `contest`: its id, person, region, times and figures. Any change to one of
    /// those after signing, or a receipt of another attempt or key, fails.
    pub fn verifies(&self, contest: &str, attempt: &Attempt, receipt: &str) -> bool {
        let Some(signature) = unhex::<64>(receipt.trim()).map(|s| ed25519_dalek::Signature::from_bytes(&s)) else {
            return false;
        };
        self.key.verify_strict(receipt_message(contest, attempt).as_bytes(), &signature).is_ok()
    }

    /// What an attempt's receipt says, `receipt` being the one it carries.
    pub fn check(&self, contest: &str, attempt: &Attempt, receipt: Option<&str>) -> ReceiptState {
        match receipt {
            None => ReceiptState::Without,
            Some(r) if self.verifies(contest, attempt, r) => ReceiptState::Valid,
            Some(_) => ReceiptState::Invalid,
        }
    }
}

/// One attempt's receipt, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptState {
    /// Signed by the collector for exactly this record.
    Valid,
    /// A receipt that does not verify: the record changed after signing, or another key.
    Invalid,
    Without,
}

/// How many attempts carry a valid receipt, an invalid one, or none; `unchecked` counts
/// receipts there was no key to check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReceiptTally {
    pub valid: usize,
    pub invalid: usize,
    pub without: usize,
    pub unchecked: usize,
}

impl std::ops::AddAssign for ReceiptTally {
    fn add_assign(&mut self, other: ReceiptTally) {
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.without += other.without;
        self.unchecked += other.unchecked;
    }
}

impl ReceiptTally {
    /// Checks each attempt with the receipt `receipt_of` gives for it (its own, or for a
    /// device's own attempts the one in its outbox), under `key` when there is one.
    pub fn count<'a>(
        key: Option<&CollectorKey>,
        contest: &str,
        attempts: impl IntoIterator<Item = &'a Attempt>,
        receipt_of: impl Fn(&'a Attempt) -> Option<&'a str>,
    ) -> ReceiptTally {
        let mut tally = ReceiptTally::default();
        for a in attempts {
            match (key, receipt_of(a)) {
                (_, None) => tally.without += 1,
                (None, Some(_)) => tally.unchecked += 1,
                (Some(key), Some(r)) => match key.check(contest, a, Some(r)) {
                    ReceiptState::Valid => tally.valid += 1,
                    ReceiptState::Invalid => tally.invalid += 1,
                    ReceiptState::Without => tally.without += 1,
                },
            }
        }
        tally
    }

    /// The attempts' own receipts ([`Attempt::receipt`]).
    pub fn of_records<'a>(
        key: Option<&CollectorKey>,
        contest: &str,
        attempts: impl IntoIterator<Item = &'a Attempt>,
    ) -> ReceiptTally {
        ReceiptTally::count(key, contest, attempts, |a| a.receipt.as_deref())
    }

    pub fn total(&self) -> usize {
        self.valid + self.invalid + self.without + self.unchecked
    }
}

impl Message for ReceiptTally {
    /// e.g. `回执：有效 18 条，无效 1 条（签名后记录被改过，或不是这个收集服务器的回执；已合并但不计为有效），无回执 3 条`.
    fn message(&self, lang: Lang) -> String {
        let ReceiptTally { valid, invalid, without, unchecked } = *self;
        let mut parts = Vec::new();
        match lang {
            // Without a key (`unchecked`) nothing was found valid or not: say only that.
            Lang::Zh => {
                if unchecked == 0 {
                    parts.push(format!("有效 {valid} 条"));
                }
                if invalid > 0 {
                    parts.push(format!(
                        "无效 {invalid} 条（签名后记录被改过，或不是这个收集服务器的回执；已合并但不计为有效）"
                    ));
                }
                parts.push(format!("无回执 {without} 条"));
                if unchecked > 0 {
                    parts.push(format!(
                        "{unchecked} 条有回执但未核验（没有回执公钥，请在“实时”页连接收集服务器或填写公钥）"
                    ));
                }
                format!("回执：{}", parts.join("，"))
            }
            Lang::En => {
                if unchecked == 0 {
                    parts.push(format!("{valid} valid"));
                }
                if invalid > 0 {
                    parts.push(format!(
                        "{invalid} invalid (the record changed after signing, or another collector's receipt; merged, not counted as valid)"
                    ));
                }
                parts.push(format!("{without} without"));
                if unchecked > 0 {
                    parts.push(format!(
                        "{unchecked} not checked (no receipt key: connect the collector or paste its key on the Live tab)"
                    ));
                }
                format!("Receipts: {}", parts.join(", "))
            }
        }
    }
}

/// `attempts` with the receipts `receipt_of` gives them (a device's outbox), for a results file:
/// one already carried is kept.
pub fn with_receipts<'a>(
    attempts: impl IntoIterator<Item = &'a Attempt>,
    receipt_of: impl Fn(&str) -> Option<String>,
) -> Vec<Attempt> {
    attempts
        .into_iter()
        .map(|a| Attempt { receipt: a.receipt.clone().or_else(|| receipt_of(&a.id)), ..a.clone() })
        .collect()
}

/// The receipts of an organizer's data, kept apart: this device's own attempts (their receipts
/// in its outbox) and those merged in from results files (their receipts carried with them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeviceReceipts {
    pub own: ReceiptTally,
    pub merged: ReceiptTally,
}

impl DeviceReceipts {
    /// Counts a chunk of the organizer's attempts (own and merged together): `own` maps each
    /// own attempt's id to its outbox receipt. Chunk by chunk, so the page can yield between.
    pub fn add_chunk(
        &mut self,
        key: Option<&CollectorKey>,
        contest: &str,
        chunk: &[Attempt],
        own: &FastMap<String, Option<String>>,
    ) {
        for a in chunk {
            match own.get(&a.id) {
                Some(outbox) => {
                    let receipt = outbox.as_deref().or(a.receipt.as_deref());
                    self.own += ReceiptTally::count(key, contest, [a], |_| receipt);
                }
                None => self.merged += ReceiptTally::of_records(key, contest, [a]),
            }
        }
    }

    /// Attempts with a valid receipt, own and merged.
    pub fn valid(&self) -> usize {
        self.own.valid + self.merged.valid
    }

    /// The valid receipts beside the collector's count of accepted attempts (参赛人次).
    pub fn beside_collector(&self, counted: usize, lang: Lang) -> String {
        let valid = self.valid();
        let (zh, en) = match valid.cmp(&counted) {
            std::cmp::Ordering::Equal => ("一致".to_string(), "they agree".to_string()),
            std::cmp::Ordering::Less => (
                format!("收集服务器多 {} 条：还有成绩文件未合并，或成绩未带回执", counted - valid),
                format!(
                    "the collector counted {} more: results files not merged yet, or results without receipts",
                    counted - valid
                ),
            ),
            std::cmp::Ordering::Greater => (
                format!("有效回执多 {} 条：收集服务器可能丢失了数据，请核查", valid - counted),
                format!(
                    "{} more valid receipts than counted: the collector may have lost data, please check",
                    valid - counted
                ),
            ),
        };
        match lang {
            Lang::Zh => format!("带有效回执 {valid} 条，收集服务器计 {counted} 人次（{zh}）"),
            Lang::En => format!("{valid} with a valid receipt, the collector counted {counted} ({en})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn attempt(id: &str) -> Attempt {
        Attempt {
            id: id.into(),
            contest_id: "c".into(),
            participant_id: format!("p-{id}"),
            name: String::new(),
            region: Some("410102".into()),
            crowd: None,
            started_at: 1_000,
            finished_at: 61_000,
            questions: vec![],
            answers: vec![],
            score: 5,
            max_score: 10,
            correct: 1,
            time_used_ms: 60_000,
            question_ds: vec![],
            rules_revision: 1,
            bank: "b@1".into(),
            rules_hash: None,
            stage: None,
            receipt: None,
        }
    }

    #[test]
    fn own_attempts_are_checked_with_their_outbox_receipts_and_merged_ones_with_their_own() {
        let signer = SigningKey::from_bytes(&[3; 32]);
        let sign = |a: &Attempt| hex::encode(signer.sign(receipt_message("c", a).as_bytes()).to_bytes());
        let key = CollectorKey::parse(&hex::encode(signer.verifying_key().as_bytes())).unwrap();
        let (own1, own2, own3) = (attempt("o1"), attempt("o2"), attempt("o3"));
        let mut merged1 = attempt("m1");
        merged1.receipt = Some(sign(&merged1));
        let mut merged2 = attempt("m2");
        merged2.receipt = Some(sign(&merged1));
        let merged3 = attempt("m3");
        let mut own: FastMap<String, Option<String>> = FastMap::default();
        own.insert("o1".into(), Some(sign(&own1)));
        own.insert("o2".into(), None);
        own.insert("o3".into(), Some(sign(&own1)));
        let all = [own1, own2, own3, merged1, merged2, merged3];
        let mut tally = DeviceReceipts::default();
        for chunk in all.chunks(4) {
            tally.add_chunk(Some(&key), "c", chunk, &own);
        }
        assert_eq!(tally.own, ReceiptTally { valid: 1, invalid: 1, without: 1, unchecked: 0 });
        assert_eq!(tally.merged, ReceiptTally { valid: 1, invalid: 1, without: 1, unchecked: 0 });
        assert_eq!(tally.valid(), 2);
        assert_eq!(tally.beside_collector(2, Lang::Zh), "带有效回执 2 条，收集服务器计 2 人次（一致）");
        assert!(tally.beside_collector(5, Lang::En).contains("the collector counted 3 more"));
        assert!(tally.beside_collector(1, Lang::Zh).contains("有效回执多 1 条"));
        let mut unkeyed = DeviceReceipts::default();
        unkeyed.add_chunk(None, "c", &all, &own);
        assert_eq!((unkeyed.own.unchecked, unkeyed.merged.unchecked, unkeyed.valid()), (2, 2, 0));
    }
}
