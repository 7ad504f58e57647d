//! One test per fixed bug, named after its issue.
