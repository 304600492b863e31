//! The `pressroom` binary as an operator uses it: real processes, real
//! files, a real server on a loopback port.

mod accuracy;
mod errors;
mod formats;
mod import_export;
mod postgres;
mod scheduling;
mod search;
mod serve;
mod verify;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder with its own database, running the real binary.
pub struct Cli {
    pub dir: tempfile::TempDir,
}

impl Default for Cli {
    fn default() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
}

impl Cli {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn database(&self) -> String {
        format!(
            "sqlite://{}",
            self.dir.path().join("pressroom.db").display()
        )
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pressroom"));
        c.current_dir(self.dir.path())
            .env("PRESSROOM_DATABASE", self.database())
            .env_remove("PRESSROOM_CONFIG")
            .env("PRESSROOM_LOG", "warn");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("binary runs")
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Exported releases as JSON values.
    pub fn export(&self) -> Vec<serde_json::Value> {
        let out = self.run(&["export", "--format", "jsonl"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect()
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn seeds() -> PathBuf {
    pressroom_testkit::seeds_dir()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A minimal valid release in the legacy format.
pub const ONE_RELEASE: &str = "A Valid Release\n\nPress Statement\nOffice of the Spokesperson\n\nWashington, DC\nMarch 3, 2021\n\nThe body of a valid release.\n";
