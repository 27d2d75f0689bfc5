//! Shapes many API modules declare alike, written once: a request body read
//! into an action's input, and a DTO whose single-record parts are left out
//! of a list's rows.

/// Declares a request body whose fields are all optional (with its OpenAPI
/// schema) and its conversion into the action's input: an absent field is
/// empty, a number its text. Each field names the input's field it fills
/// (`body_field => input_field`); `..Default` fills the input's other fields
/// with their defaults.
macro_rules! input_body {
    (
        $(#[$attr:meta])*
        $body:ident => $input:ident {
            $($(#[$doc:meta])* $field:ident: $ty:ty => $to:ident,)*
        }
        $(..$default:ident)?
    ) => {
        $(#[$attr])*
        #[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
        pub struct $body {
            $($(#[$doc])* pub $field: Option<$ty>,)*
        }

        impl From<$body> for $input {
            fn from(b: $body) -> Self {
                $input {
                    $($to: b.$field.map(|v| v.to_string()).unwrap_or_default(),)*
                    $(..$default::default())?
                }
            }
        }
    };
}
pub(crate) use input_body;

/// Declares a DTO (with its OpenAPI schema) whose `detail` fields are a single
/// record's parts (members, sessions, …): optional, and left out of the JSON
/// when absent, as in a list's rows.
macro_rules! detailed_dto {
    (
        $(#[$attr:meta])*
        $name:ident {
            $($(#[$doc:meta])* $field:ident: $ty:ty,)*
        }
        detail {
            $($(#[$detail_doc:meta])* $detail:ident: $detail_ty:ty,)*
        }
    ) => {
        $(#[$attr])*
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            $($(#[$doc])* pub $field: $ty,)*
            $(
                $(#[$detail_doc])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $detail: Option<$detail_ty>,
            )*
        }
    };
}
pub(crate) use detailed_dto;

/// Declares the parameters of a query string (with their OpenAPI
/// description): each an optional text, absent when not given.
macro_rules! query_params {
    (
        $(#[$attr:meta])*
        $name:ident {
            $($(#[$doc:meta])* $field:ident,)*
        }
    ) => {
        #[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        $(#[$attr])*
        pub struct $name {
            $($(#[$doc])* pub $field: Option<String>,)*
        }
    };
}
pub(crate) use query_params;

/// Declares a body that carries one group tally (with its OpenAPI schema):
/// its own fields, then the group's label and counts, read alike by the
/// tallies' API and a device's sync; `tally_input` makes the action's input.
macro_rules! tally_body {
    (
        $(#[$attr:meta])*
        $name:ident {
            $($(#[$doc:meta])* $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            $($(#[$doc])* pub $field: $ty,)*
            /// The group's name, e.g. "Lớp 7A, nhóm 2" (at most 100 characters).
            pub label: String,
            pub girls: i64,
            pub boys: i64,
            /// girls + boys must equal age_6_10 + age_11_15; 1–200 children.
            pub age_6_10: i64,
            pub age_11_15: i64,
            /// Option id → how many children chose it (options of single and multiple questions).
            #[serde(default)]
            pub counts: std::collections::BTreeMap<String, i64>,
        }

        impl $name {
            /// The tally as the action takes it, stored under
            /// `submission_id` (option ids trimmed).
            fn tally_input(self, submission_id: String) -> thamgia_actions::responses::TallyInput {
                thamgia_actions::responses::TallyInput {
                    submission_id,
                    label: self.label,
                    girls: self.girls.into(),
                    boys: self.boys.into(),
                    age_6_10: self.age_6_10.into(),
                    age_11_15: self.age_11_15.into(),
                    counts: self
                        .counts
                        .into_iter()
                        .map(|(k, v)| (k.trim().to_string(), v.into()))
                        .collect(),
                }
            }
        }
    };
}
pub(crate) use tally_body;
