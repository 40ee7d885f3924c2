//! Ed25519 receipts: the collector signs what it counted of each accepted attempt
//! (`submission::receipt_message`), so a phone's receipt can be checked with the public key.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// `bytes` random bytes from the operating system, as hex.
pub fn random_hex(bytes: usize) -> String {
    hex(&random_bytes(bytes))
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
        hex(&self.key.sign(message.as_bytes()).to_bytes())
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn public_hex(&self) -> String {
        hex(self.public_key().as_bytes())
    }
}

/// Whether `signature` (hex) is the collector's signature of `message` under `public_key` (hex).
pub fn verify(public_key: &str, message: &str, signature: &str) -> bool {
    let key = unhex(public_key).and_then(|k| VerifyingKey::from_bytes(&k.try_into().ok()?).ok());
    let signature = unhex(signature).and_then(|s| Some(ed25519_dalek::Signature::from_bytes(&s.try_into().ok()?)));
    match (key, signature) {
        (Some(key), Some(signature)) => key.verify_strict(message.as_bytes(), &signature).is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_verifies_only_for_its_message_and_key() {
        let key = ReceiptKey::from_secret(&[7u8; 32]).unwrap();
        let other = ReceiptKey::from_secret(&[8u8; 32]).unwrap();
        let sig = key.sign("kepu-receipt/1\nc\na\n");
        assert_eq!(sig.len(), 128);
        assert!(verify(&key.public_hex(), "kepu-receipt/1\nc\na\n", &sig));
        assert!(!verify(&key.public_hex(), "kepu-receipt/1\nc\nb\n", &sig));
        assert!(!verify(&other.public_hex(), "kepu-receipt/1\nc\na\n", &sig));
        assert!(!verify(&key.public_hex(), "kepu-receipt/1\nc\na\n", "zz"));
        assert_eq!(unhex(&hex(&[0, 255, 16])), Some(vec![0, 255, 16]));
        assert!(ReceiptKey::from_secret(&[1; 31]).is_none());
    }
}
