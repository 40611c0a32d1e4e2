//! Passwords and session tokens.
//!
//! Passwords are hashed with argon2id (OWASP ASVS 2.4: m ≥ 46 MiB, t ≥ 1,
//! p = 1 by default). Hashing is slow on purpose, so it runs on a blocking
//! thread, never on the async workers. Unknown accounts are checked against a
//! dummy hash, so a login takes the same time whether the account exists.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// argon2id cost. The defaults follow OWASP's first recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl PasswordParams {
    /// The weakest setting Laget accepts (46 MiB, t = 1).
    pub const MIN_MEMORY_KIB: u32 = 47_104;
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self {
            memory_kib: Self::MIN_MEMORY_KIB,
            iterations: 1,
            parallelism: 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing settings are below the minimum (46 MiB memory, 1 iteration)")]
    TooWeak,
    #[error("password hashing failed: {0}")]
    Argon2(String),
}

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    dummy_hash: String,
}

impl PasswordHasher {
    pub fn new(p: PasswordParams) -> Result<Self, HashError> {
        if p.memory_kib < PasswordParams::MIN_MEMORY_KIB || p.iterations < 1 || p.parallelism < 1 {
            return Err(HashError::TooWeak);
        }
        let params = Params::new(p.memory_kib, p.iterations, p.parallelism, None)
            .map_err(|e| HashError::Argon2(e.to_string()))?;
        let mut hasher = Self {
            params,
            dummy_hash: String::new(),
        };
        hasher.dummy_hash = hasher.hash(&random_token())?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password into a PHC string (blocking; call from a blocking thread).
    pub fn hash(&self, password: &str) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError::Argon2(e.to_string()))
    }

    /// Checks `password` against `stored`, or against the dummy hash when
    /// there is no account, so both take the same time (blocking).
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let target = stored.unwrap_or(&self.dummy_hash);
        let Ok(parsed) = PasswordHash::new(target) else {
            return false;
        };
        let ok = self
            .argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && stored.is_some()
    }

    /// Hashes on a blocking thread.
    pub async fn hash_async(&self, password: String) -> Result<String, HashError> {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(|e| HashError::Argon2(e.to_string()))?
    }

    /// Verifies on a blocking thread.
    pub async fn verify_async(&self, password: String, stored: Option<String>) -> bool {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.verify(&password, stored.as_deref()))
            .await
            .unwrap_or(false)
    }
}

/// 256 random bits, hex-encoded: session tokens and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database stores for a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_settings_are_refused() {
        let weak = PasswordParams {
            memory_kib: 4096,
            ..PasswordParams::default()
        };
        assert!(matches!(PasswordHasher::new(weak), Err(HashError::TooWeak)));
    }

    #[test]
    fn hashes_verify_and_record_their_parameters() -> Result<(), HashError> {
        let hasher = PasswordHasher::new(PasswordParams::default())?;
        let hash = hasher.hash("Fjordhest-Syltetøy-Blåbær-71")?;
        assert!(
            hash.starts_with("$argon2id$v=19$m=47104,t=1,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify("Fjordhest-Syltetøy-Blåbær-71", Some(&hash)));
        assert!(!hasher.verify("fjordhest-syltetøy-blåbær-71", Some(&hash)));
        assert!(
            !hasher.verify("anything", None),
            "the dummy hash never lets anyone in"
        );
        Ok(())
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
