//! Charts drawn on the server as inline SVG: no script and no chart library in the browser;
//! each has a title, a text alternative, and beside it on its page a table of the same
//! numbers.

pub(crate) mod trend;
