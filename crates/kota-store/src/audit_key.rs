//! The audit signing key on disk: 32 secret bytes as 64 hex digits, in a file readable by its
//! owner only, kept outside the database (so that someone who can rewrite the database cannot
//! sign a forged head).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use kota_domain::audit::checkpoint::AuditSigner;

/// The key file's name in the data folder.
pub const FILE_NAME: &str = "audit-signing.key";

/// Reads the signing key at `path`.
pub fn load(path: &Path) -> io::Result<AuditSigner> {
    let text = fs::read_to_string(path)?;
    let text = text.trim();
    let mut secret = [0_u8; 32];
    let valid = text.len() == 64
        && secret
            .iter_mut()
            .zip(text.as_bytes().chunks_exact(2))
            .all(|(byte, pair)| {
                std::str::from_utf8(pair)
                    .ok()
                    .and_then(|p| u8::from_str_radix(p, 16).ok())
                    .map(|b| *byte = b)
                    .is_some()
            });
    if !valid {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} is not an audit signing key (64 hex digits)",
                path.display()
            ),
        ));
    }
    Ok(AuditSigner::from_secret(&secret))
}

/// Reads the signing key at `path`, first making a new one there when there is none. The new
/// file is written whole under another name, readable by its owner only, and then linked in
/// place, so that processes starting together end up with the same key.
pub fn load_or_create(path: &Path) -> io::Result<AuditSigner> {
    match load(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        other => return other,
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut secret = [0_u8; 32];
    getrandom::getrandom(&mut secret).map_err(io::Error::other)?;
    let text: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let draft = draft_path(path);
    let written = write_private(&draft, &text).and_then(|()| fs::hard_link(&draft, path));
    let _ = fs::remove_file(&draft);
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    load(path)
}

fn draft_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.new", std::process::id()));
    path.with_file_name(name)
}

fn write_private(path: &Path, text: &str) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{text}")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_private_and_read_back() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("keys").join(FILE_NAME);
        let made = load_or_create(&path).expect("make the key");
        let again = load_or_create(&path).expect("read the key");
        assert_eq!(made.public_key(), again.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            fs::read_dir(path.parent().expect("folder"))
                .expect("list")
                .count(),
            1
        );
    }

    #[test]
    fn a_damaged_key_file_is_refused() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, "not a key").expect("write");
        let err = load_or_create(&path).expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(load(&dir.path().join("missing")).is_err());
    }
}
