//! The README's `$ ismap …` examples, run as written: each is followed in the README by the
//! exact lines it prints (standard output and standard error together).

use crate::{Env, repo_file};
use std::process::Command;

#[test]
fn readme_examples_print_what_the_readme_says() {
    let readme = std::fs::read_to_string(repo_file("README.md")).expect("README.md");
    let mut examples: Vec<(String, Vec<String>)> = Vec::new();
    for line in readme.lines() {
        if let Some(command) = line.strip_prefix("$ ismap ") {
            examples.push((command.to_owned(), Vec::new()));
        } else if line.starts_with("```") || line.is_empty() {
            // the end of an example's output
            if let Some(last) = examples.last_mut() {
                last.1.push(String::from("\u{0}"));
            }
        } else if let Some((_, output)) = examples.last_mut()
            && !output.contains(&String::from("\u{0}"))
        {
            output.push(line.to_owned());
        }
    }
    assert!(examples.len() >= 4, "README examples not found");
    let env = Env::new();
    let root = repo_file("");
    for (command, output) in examples {
        let expected: Vec<&String> = output.iter().take_while(|l| *l != "\u{0}").collect();
        let args: Vec<&str> = command.split_whitespace().collect();
        let out = Command::new(env!("CARGO_BIN_EXE_ismap"))
            .args(&args)
            .current_dir(&root)
            .env("ISMAP_DB", env.db())
            .env_remove("ISMAP_LANG")
            .output()
            .expect("run ismap");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let printed: Vec<&str> = printed.lines().collect();
        assert_eq!(printed, expected, "$ ismap {command}");
    }
}
