//! One test per fixed bug, named after its issue.

use std::process::Stdio;

/// `idx query --json ... | head -c 10` printed "idx: error: Broken pipe": a closed pipe must
/// end the command quietly with status 0, as ripgrep does.
#[test]
fn broken_pipe_is_not_an_error() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("idx"))
        .args(["query", "--json", "--limit", "50", "--index"])
        .arg(crate::util::example_index())
        .arg("*")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("idx starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("idx ends");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
