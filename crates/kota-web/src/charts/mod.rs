//! Charts drawn on the server as SVG: no script, no chart library in the browser. Each has a
//! title, a text alternative and a table of the same numbers.

pub(crate) mod bars;
pub(crate) mod figure;
pub(crate) mod heat;
pub(crate) mod trend;
