//! The server's Ed25519 host key: read, or made on first start.

use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::{LineEnding, PrivateKey};

/// Reads the host key at `path`, or makes a new Ed25519 key there (mode 0600).
pub fn host_key(path: &Path) -> io::Result<PrivateKey> {
    let bad = |e: russh::keys::ssh_key::Error| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    };
    match std::fs::read(path) {
        Ok(text) => {
            let mode = std::fs::metadata(path)?.permissions().mode();
            if mode & 0o077 != 0 {
                eprintln!(
                    "malbild serve: warning: {} can be read by others (mode {:o}); chmod 600 it",
                    path.display(),
                    mode & 0o777
                );
            }
            PrivateKey::from_openssh(text).map_err(bad)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            std::fs::File::open("/dev/urandom")?.read_exact(&mut seed)?;
            let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
            seed.fill(0);
            let text = key.to_openssh(LineEnding::LF).map_err(bad)?;
            // The state directory may not exist yet: made for this user alone.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            eprintln!("malbild serve: made a new host key in {}", path.display());
            Ok(key)
        }
        Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
    }
}
