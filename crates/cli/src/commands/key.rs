//! The site's signing key on disk: `pressroom init`, `pressroom key rotate`,
//! and the loading (or first-start creation) that `serve` does.
//!
//! The key directory holds `site.key` (the private key in the signed-note
//! text form, mode 0600, in a 0700 directory) and `retired.pub` (the public
//! keys of rotated-out keys, one a line, still published so that old
//! checkpoints and saved proofs keep verifying). The private key is never
//! printed or logged; only public keys are.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use pressroom_ledger::{SiteKey, SiteKeys, VerifierKey, origin_from_base_url};

use crate::config;

/// Where the keys live, for every command that needs them.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyDir {
    /// Directory of the transparency log's signing key.
    #[arg(
        long = "keys",
        env = "PRESSROOM_KEYS",
        default_value = "pressroom-keys"
    )]
    pub dir: PathBuf,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make a new signing key; the old one's public key stays published
    /// as retired.
    Rotate(KeyDir),
}

const SECRET: &str = "site.key";
const RETIRED: &str = "retired.pub";

/// `pressroom init`: creates the signing key if there is none.
pub fn init(config_file: Option<&Path>, keys: &KeyDir) -> anyhow::Result<ExitCode> {
    let site = config::load(config_file, None)?;
    let (loaded, created) = load_or_create(&keys.dir, &site.base_url)?;
    if created {
        println!("created a signing key in {}", keys.dir.display());
    } else {
        println!("a signing key already exists in {}", keys.dir.display());
    }
    println!("public key: {}", loaded.current.verifier());
    Ok(ExitCode::SUCCESS)
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Rotate(keys) => {
            let old = load(&keys.dir)?
                .with_context(|| format!("no signing key in {} to rotate", keys.dir.display()))?;
            let new = SiteKey::generate(&mut rand_core::OsRng, old.current.name())
                .context("cannot make a new key")?;
            // Retire first: a crash between the two steps leaves the old key
            // current and also listed as retired, which is harmless.
            let retired = keys.dir.join(RETIRED);
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&retired)
                .with_context(|| format!("cannot open {}", retired.display()))?;
            writeln!(f, "{}", old.current.verifier())
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write {}", retired.display()))?;
            write_secret(&keys.dir, &new)?;
            println!("retired public key: {}", old.current.verifier());
            println!("new public key: {}", new.verifier());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The keys in `dir`, or a new key named after `base_url` if there is none.
/// Returns whether it was created.
pub fn load_or_create(dir: &Path, base_url: &str) -> anyhow::Result<(SiteKeys, bool)> {
    if let Some(keys) = load(dir)? {
        return Ok((keys, false));
    }
    let name = origin_from_base_url(base_url).context("cannot name the transparency log")?;
    let key = SiteKey::generate(&mut rand_core::OsRng, &name).context("cannot make a key")?;
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)))
        .with_context(|| format!("cannot create the key directory {}", dir.display()))?;
    write_secret(dir, &key)?;
    tracing::info!(public_key = %key.verifier(), dir = %dir.display(), "created the site signing key");
    Ok((
        SiteKeys {
            current: key,
            retired: Vec::new(),
        },
        true,
    ))
}

/// The keys in `dir`, `None` if it holds no key. A key file that others
/// can read is refused: whoever reads it can sign as the site.
pub fn load(dir: &Path) -> anyhow::Result<Option<SiteKeys>> {
    let path = dir.join(SECRET);
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        bail!(
            "the signing key {} is readable by others (mode {mode:04o}): run chmod 600 on it",
            path.display()
        );
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let current = SiteKey::parse(&text)
        .with_context(|| format!("{} is not a pressroom signing key", path.display()))?;
    let retired_path = dir.join(RETIRED);
    let retired = match std::fs::read_to_string(&retired_path) {
        Ok(t) => t
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .map(|(i, l)| {
                VerifierKey::parse(l).with_context(|| {
                    format!(
                        "{} line {}: not a public key",
                        retired_path.display(),
                        i + 1
                    )
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", retired_path.display()));
        }
    };
    Ok(Some(SiteKeys { current, retired }))
}

/// Writes the private key with mode 0600 from its first byte, then renames
/// it into place, so a crash never leaves a half-written or open key.
fn write_secret(dir: &Path, key: &SiteKey) -> anyhow::Result<()> {
    let tmp = dir.join(format!("{SECRET}.new"));
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    f.write_all(key.to_file_text().as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(SECRET))
        .with_context(|| format!("cannot move the new key into {}", dir.display()))?;
    Ok(())
}
