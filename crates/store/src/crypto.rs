//! ID numbers at rest: sealed with XChaCha20-Poly1305 (random 24-byte nonce per value) and
//! found by HMAC-SHA256, both keys derived from one 32-byte master key that lives outside
//! the database (a key file created with mode 0600, or configuration).

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

pub struct IdVault {
    cipher: XChaCha20Poly1305,
    mac_key: [u8; 32],
}

impl IdVault {
    pub fn from_master(master: &[u8; 32]) -> Self {
        let enc = derive(master, b"gonghui id-card encryption v1");
        let mac_key = derive(master, b"gonghui id-card lookup v1");
        Self { cipher: XChaCha20Poly1305::new((&enc).into()), mac_key }
    }

    /// 64 hex characters.
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim()).ok()?;
        let master: [u8; 32] = bytes.try_into().ok()?;
        Some(Self::from_master(&master))
    }

    /// Reads the key file, or creates it (mode 0600) with a fresh random key on first run.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        if path.exists() {
            let text = std::fs::read_to_string(path)?;
            return Self::from_hex(&text).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: 密钥文件应为 64 位十六进制", path.display()),
                )
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut master = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut master);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        std::io::Write::write_all(&mut opts.open(path)?, hex::encode(master).as_bytes())?;
        Ok(Self::from_master(&master))
    }

    /// nonce ‖ ciphertext.
    pub fn seal(&self, plain: &str) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .expect("in-memory encryption cannot fail");
        let mut out = Vec::with_capacity(24 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() < 24 {
            return None;
        }
        let (nonce, ct) = sealed.split_at(24);
        let plain = self.cipher.decrypt(XNonce::from_slice(nonce), ct).ok()?;
        String::from_utf8(plain).ok()
    }

    /// The keyed hash an ID number is found by. Equal numbers give equal hashes; without the
    /// key the hash says nothing (an unkeyed hash of an 18-digit ID is easily brute-forced).
    pub fn lookup_hash(&self, id: &str) -> Vec<u8> {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.mac_key).expect("any key length");
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_hash() {
        let v = IdVault::from_master(&[7; 32]);
        let a = v.seal("11010519491231002X");
        let b = v.seal("11010519491231002X");
        assert_ne!(a, b, "random nonce");
        assert_eq!(v.open(&a).unwrap(), "11010519491231002X");
        assert_eq!(v.lookup_hash("x"), v.lookup_hash("x"));
        let other = IdVault::from_master(&[8; 32]);
        assert!(other.open(&a).is_none());
        assert_ne!(other.lookup_hash("x"), v.lookup_hash("x"));
    }

    #[test]
    fn key_file_created_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("gonghui-key-{}", std::process::id()));
        let path = dir.join("id.key");
        let _ = std::fs::remove_dir_all(&dir);
        let a = IdVault::load_or_create(&path).unwrap();
        let b = IdVault::load_or_create(&path).unwrap();
        assert_eq!(b.open(&a.seal("abc")).unwrap(), "abc");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
