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
