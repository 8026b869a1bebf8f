//! Writing results: to standard output or to a file, quietly ending on a closed pipe.

use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::Path;

pub fn write(text: &str, to: Option<&Path>) -> Result<()> {
    emit(to, |w| w.write_all(text.as_bytes()))
}

// Large reports stream through a buffer big enough to keep system calls out of the profile.
const BUFFER: usize = 1 << 16;

/// Streams output through a buffer to `to`, or to standard output.
pub fn emit(
    to: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match to {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = std::io::BufWriter::with_capacity(BUFFER, file);
            render(&mut w)
                .and_then(|()| w.flush())
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
            render(&mut w)?;
            w.flush()?;
            Ok(())
        }
    }
}

/// `ismap … | head` closes the pipe early; that is not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
