use serde::Serialize;
use std::fmt;

/// Bad input: where it is and what was expected. Displayed as
/// `file:line:column: field: message (value "…")`, with the parts that are known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct InputError {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Path of the field, e.g. `registrations[3].audit_period.end`.
    pub field: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

impl InputError {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_owned(),
            line: None,
            column: None,
            field: None,
            value: None,
            message: message.into(),
        }
    }

    /// An error of `field` in the entry at `at` of `file` (`registrations[3]`, or empty).
    pub fn in_entry(file: &str, at: &str, field: &str, message: impl Into<String>) -> Self {
        let path = match at {
            "" => field.to_owned(),
            at => format!("{at}.{field}"),
        };
        InputError::new(file, message).field(path)
    }

    /// A JSON error, located by line, column and the path of the field being read.
    pub(crate) fn json(file: &str, e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        // serde_path_to_error writes `?` for a segment it could not name.
        let path = e.path().to_string().trim_end_matches(".?").to_owned();
        Self::json_at(file, path, e.into_inner())
    }

    /// A JSON error at `path` (empty when the error is not inside a field).
    pub(crate) fn json_at(file: &str, path: String, inner: serde_json::Error) -> Self {
        // serde_json appends " at line L column C"; the location is kept separately.
        let text = inner.to_string();
        let message = text
            .rfind(" at line ")
            .map_or(text.as_str(), |i| &text[..i])
            .to_owned();
        InputError::new(file, message)
            .at(inner.line(), inner.column())
            .field(path)
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = u32::try_from(line).ok();
        self.column = u32::try_from(column).ok();
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        if !field.is_empty() && field != "." {
            self.field = Some(field);
        }
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(value) = &self.value {
            write!(f, " (value {value:?})")?;
        }
        Ok(())
    }
}
