//! Choices for select elements and radio groups.

#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
}
