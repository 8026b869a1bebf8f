//! The real `ismap` binary run on real files and a real SQLite database in a temp directory.
//! One test binary for the crate (links once).

mod case;
mod check;
mod crosswalk;
mod errors;
mod operations;
mod registry;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temp directory with its own database.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Default for Env {
    fn default() -> Self {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
}

impl Env {
    pub fn new() -> Env {
        Env::default()
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("ismap.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write fixture");
        p
    }

    /// Runs `ismap` with this environment's database and the given arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_ismap"))
            .args(args)
            .env("ISMAP_DB", self.db())
            .env_remove("ISMAP_LANG")
            .env("COLUMNS", "200")
            .output()
            .expect("run ismap");
        Run(out)
    }
}

pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Asserts success and returns standard output.
    pub fn ok(&self) -> String {
        assert_eq!(self.code(), 0, "stderr: {}", self.stderr());
        self.stdout()
    }

    /// Asserts exit code 2 (bad input) and returns standard error.
    pub fn bad_input(&self) -> String {
        assert_eq!(
            self.code(),
            2,
            "stdout: {} stderr: {}",
            self.stdout(),
            self.stderr()
        );
        assert!(
            self.stdout().is_empty(),
            "printed output on bad input: {}",
            self.stdout()
        );
        self.stderr()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok()).expect("JSON output")
    }
}

/// Files shipped in the repository.
pub fn repo_file(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
        .display()
        .to_string()
}

pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

mod readme;
