//! Closed vocabularies (roles, stages, kinds …) share one shape: a stored name, a label people
//! read, and parsing back from the stored name.

/// Declares a closed vocabulary: a `Copy` enum serialised as its stored name, with `ALL`,
/// `as_str`, `label` and `parse`.
#[macro_export]
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            // `tt`, not `literal`: a `literal` fragment reaches derive macros wrapped in an
            // invisible group, which serde reads but utoipa does not, so the OpenAPI schema
            // showed the Rust variant names instead of the stored names the API sends.
            $( $(#[$vmeta:meta])* $variant:ident = ($stored:tt, $label:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $stored)] $variant, )+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored (and serialised) name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $stored,)+ }
            }

            /// The label people read.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// The value a stored name stands for.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
