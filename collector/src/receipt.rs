//! Ed25519 receipts: the collector signs what it counted of each accepted attempt
//! (`submission::receipt_message`), so a phone's receipt can be checked with the public key.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
// Receipts are verified by the app's core (`submission::verify_receipt`), as the organizer's
// page does.

/// `bytes` random bytes from the operating system, as hex.
pub fn random_hex(bytes: usize) -> String {
    hex::encode(random_bytes(bytes))
}

pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    getrandom::fill(&mut out).expect("the operating system's random source");
    out
}

#[derive(Clone)]
pub struct ReceiptKey {
    key: SigningKey,
}

impl ReceiptKey {
    pub fn from_secret(secret: &[u8]) -> Option<ReceiptKey> {
        Some(ReceiptKey { key: SigningKey::from_bytes(secret.try_into().ok()?) })
    }

    /// Hex of the signature of `message`.
    pub fn sign(&self, message: &str) -> String {
        hex::encode(self.key.sign(message.as_bytes()).to_bytes())
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.public_key().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_is_what_the_apps_core_verifies() {
        use kepu_quiz::core::exchange::submission::{receipt_message, verify_receipt};
        use kepu_quiz::core::play::ledger::Attempt;
        let key = ReceiptKey::from_secret(&[7u8; 32]).unwrap();
        let attempt = Attempt {
            id: "a".into(),
            contest_id: "c".into(),
            participant_id: "p".into(),
            name: String::new(),
            region: Some("410102".into()),
            crowd: None,
            started_at: 1,
            finished_at: 60_001,
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
        };
        let sig = key.sign(&receipt_message("c", &attempt));
        assert_eq!(sig.len(), 128);
        assert!(verify_receipt(&key.public_hex(), "c", &attempt, &sig));
        assert!(!verify_receipt(&ReceiptKey::from_secret(&[8u8; 32]).unwrap().public_hex(), "c", &attempt, &sig));
        assert!(ReceiptKey::from_secret(&[1; 31]).is_none());
    }
}
