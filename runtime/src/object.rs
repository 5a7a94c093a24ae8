//! The `object!` macro: a struct of the API with its `Serialize`, `Deserialize`, `Debug` and
//! `PartialEq`, written lean for the compiler.
//!
//! serde's derives write about 300 lines per struct (a field enum and its visitor with three
//! matches over the names, a positional `visit_seq`, a `visit_map` with a duplicate check and a
//! missing-field fallback per field, and an early return per field that drops every other
//! field's slot), and serde_with's `skip_serializing_none` re-parses each struct once more. In
//! a client of a large API those bodies were most of what `cargo check` did: GitHub's 1,186
//! structs cost 50 of its 77 s and 1.3 GB of its 3 GB (`-Z time-passes`). A first version of
//! this macro wrote one array of trait objects per struct into its own `Serialize` and its own
//! visitor (3.0 s against the derives' 11.8 s on 300 structs of 25 fields, plain types); what
//! the struct still wrote itself (the visitor type, `expecting`, `visit_seq`, a `wire()` call
//! per field, derived `Debug` and `PartialEq` walking the fields twice more) was then the
//! largest cost left.
//!
//! Now a struct writes one impl of [`Object`], with two bodies that are not generic: `fields`,
//! its fields in order as `&dyn Field` (a trait blanket-implemented for every
//! `Serialize + Debug + PartialEq + 'static` type), and `read`, one `Option` slot per field
//! filled by a [`ReadMap`] and then moved into the struct by one `match`; and consts of its
//! name, field names, property names and which fields are sent when `None`. `Serialize`,
//! `Deserialize` (one generic [`ObjectVisitor`] for all), `Debug` and `PartialEq` are one-line
//! calls of the helpers below, which rustc checks once. The generator writes each property
//! name literally (`#[wire = "name"]`), so the matcher has one optional group per field. On a
//! synthetic crate of 300 structs of 25 fields (strings, integers, options, lists, nested
//! structs, docs), loaded machine: 5.9 s CPU and 344 MB of `cargo check` against 13.3 s and
//! 612 MB for the first version; on GitHub's client (1,060 such structs, all features),
//! 37.0 s CPU and 1.67 GB against 48.8 s and 1.98 GB, back to back at load ~2 on 2 cores. Tried and not kept
//! (no gain above the noise): one const table instead of three, a tuple of slots instead of
//! one local per field, a callback per field instead of one slice.
//!
//! Then (the `types` issue-17 pass, self-profile of GitHub's client): the field names and the
//! `serialize_always` marks are one string literal (`NAMES`), which rustc takes as a trivial
//! const with no MIR to check, where two arrays were two const bodies; `read` is one `match`
//! over the reader's answer and the slots, without the early return that dropped every slot on
//! its own path; and `Clone` is the macro's, one line calling [`clone_object`], which fills the
//! struct's slots from its fields through the same `read` (each field cloned by its own
//! `Clone`), where the derive wrote a body per struct. Peak memory of the profiled check
//! 1,514 → 1,439 MB; the per-struct bodies' self time: `clone` halved, `read` about -20%, the
//! consts -45%. Tried and not kept: `read` as `Some(Name { field: field?, .. })` (`read` +70%,
//! +155 MB), `Debug` of open enums through a runtime helper (no gain above the noise).
//!
//! The struct is written as the generator writes it and comes out as it went in, minus the
//! field attributes the macro reads (`#[wire = ".."]`, `#[serialize_always]`) and `Debug`,
//! `PartialEq` and `Clone`, which the macro implements (the derive list holds `Default` and the
//! config's derives; a derived `Hash` agrees with the `PartialEq`, which compares field by
//! field). What it encodes and decodes is what the derives did, for the structs the generator
//! gives it (no `#[serde(flatten)]` field and no derive by path from the config, which may read
//! the `serde` attributes; those keep the derives):
//! - encoding: every field under its property name, except an `Option` field that is `None`,
//!   which is left out unless it is `#[serialize_always]` (a required nullable field, sent as
//!   `null`), as serde_with's `skip_serializing_none` did;
//! - decoding a map (JSON object) by property name: unknown properties are skipped, a property
//!   twice is an error (`duplicate field`), a missing one is `None` for an `Option` field and
//!   an error (`missing field`) for any other, as serde's `missing_field` does; field values
//!   are read as `DeserializeOwned` (generated types borrow nothing);
//! - decoding an empty sequence (`[]`, PHP's empty object) as the empty map, so a struct whose
//!   fields are all optional decodes from it. A non-empty sequence is an error: serde's
//!   positional reading of a struct from an array is nothing an OpenAPI description can mean;
//! - `{:?}` and `{:#?}` print what `#[derive(Debug)]` prints (the field's name without `r#`),
//!   `==` is the derive's, field by field, and `clone()` clones each field as the derive does.

/// A struct with its `Serialize`, `Deserialize`, `Debug`, `PartialEq` and `Clone`, from the struct as
/// the generator writes it: each field's docs, then `#[wire = "name"]` (its property name), then
/// `#[serialize_always]` on an `Option` field sent as `null` when `None`.
macro_rules! object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                #[wire = $wire:literal]
                $(#[$always:ident])?
                pub $field:ident: $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        // `PartialEq` below is the derive's, field by field, so a derived `Hash` agrees.
        #[allow(clippy::derived_hash_with_manual_eq)]
        pub struct $name {
            $($(#[doc = $doc])* pub $field: $ty,)*
        }

        // Everything per struct is in this impl, two bodies that are not generic: the table
        // of the fields, and their reading from slots. The trait impls below call helpers
        // that rustc checks once. The names the macro brings start with `__`, as serde's
        // derives do: a type of the API named `Visitor` or `A` must not be shadowed here (the
        // fields' locals are the macro's own by hygiene).
        impl super::runtime::Object for $name {
            const NAME: &'static str = stringify!($name);
            // One string literal, which rustc takes as a trivial const (no MIR to check).
            const NAMES: &'static str =
                concat!($(stringify!($field), $(" ", stringify!($always),)? "\n",)*);
            const WIRE: &'static [&'static str] = &[$($wire),*];

            fn fields(&self, __each: &mut dyn FnMut(&[&dyn super::runtime::Field])) {
                __each(&[$(&self.$field),*])
            }

            fn read(__map: &mut dyn super::runtime::ReadMap) -> std::option::Option<Self> {
                $(let mut $field = std::option::Option::<$ty>::None;)*
                // One `match`, no early return: an early return drops every slot on its own path.
                match (__map.read(&mut [$(&mut $field),*]), $($field,)*) {
                    (true, $(std::option::Option::Some($field),)*) => std::option::Option::Some($name { $($field,)* }),
                    #[allow(unreachable_patterns)]
                    _ => std::option::Option::None,
                }
            }
        }

        impl std::clone::Clone for $name {
            fn clone(&self) -> Self {
                super::runtime::clone_object(self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> std::result::Result<__S::Ok, __S::Error> {
                super::runtime::serialize_object(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> std::result::Result<Self, __D::Error> {
                super::runtime::deserialize_object(deserializer)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                super::runtime::debug_object(self, f)
            }
        }

        impl std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                super::runtime::eq_objects(self, other)
            }
        }
    };
}

pub(crate) use object;

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{self as ser, Impossible, Serialize, SerializeStruct, Serializer};

/// A struct written by `object!`: what its field-walking helpers need, per struct.
pub(crate) trait Object: Sized + 'static {
    /// The struct's name (serde's and `Debug`'s).
    const NAME: &'static str;
    /// The fields' names as written (`r#type` for a keyword), in order, each on its own line
    /// and followed by ` serialize_always` when the field is sent when `None` (as `null`).
    const NAMES: &'static str;
    /// The fields' property names, in order.
    const WIRE: &'static [&'static str];

    /// Hands the fields, in order, to `each`.
    fn fields(&self, each: &mut dyn FnMut(&[&dyn Field]));

    /// The struct from a map, read into one slot per field (in order) by `map`; `None` when
    /// that failed (`map` keeps the error).
    fn read(map: &mut dyn ReadMap) -> Option<Self>;
}

/// A field's value as the helpers use it: encoded, shown, compared.
pub(crate) trait Field {
    /// The value to encode.
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
    /// The value to show.
    fn as_debug(&self) -> &dyn fmt::Debug;
    /// The value to compare with another field's.
    fn as_any(&self) -> &dyn Any;
    /// Whether the value equals `other` (a value of another type never does).
    fn eq_any(&self, other: &dyn Any) -> bool;
}

impl<T: Serialize + fmt::Debug + PartialEq + 'static> Field for T {
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }

    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn eq_any(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>() == Some(self)
    }
}

/// Encodes a struct: every field under its property name, except an `Option` field that is
/// `None` and not sent always.
pub(crate) fn serialize_object<T: Object, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut serializer = Some(serializer);
    let mut result = None;
    value.fields(&mut |fields| {
        if let Some(serializer) = serializer.take() {
            result = Some(serialize_fields::<T, S>(serializer, fields));
        }
    });
    result.unwrap_or_else(|| Err(ser::Error::custom("a struct that gave no fields")))
}

/// [`serialize_object`] once the fields are at hand.
fn serialize_fields<T: Object, S: Serializer>(
    serializer: S,
    fields: &[&dyn Field],
) -> Result<S::Ok, S::Error> {
    let sent =
        |(field, when_none): (&&dyn Field, &bool)| *when_none || !is_none(field.as_serialize());
    let always: Vec<bool> = names::<T>().map(|(_, always)| always).collect();
    let len = fields.iter().zip(&always).filter(|f| sent(*f)).count();
    let mut state = serializer.serialize_struct(T::NAME, len)?;
    for (field, wire) in fields.iter().zip(&always).zip(T::WIRE) {
        if sent(field) {
            state.serialize_field(wire, field.0.as_serialize())?;
        } else {
            state.skip_field(wire)?;
        }
    }
    state.end()
}

/// Shows a struct as `#[derive(Debug)]` does (`{:?}` and `{:#?}`): its name, then each field's
/// name as written (without `r#`) and value.
pub(crate) fn debug_object<T: Object>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut result = Ok(());
    value.fields(&mut |fields| {
        let mut shown = f.debug_struct(T::NAME);
        for ((name, _), field) in names::<T>().zip(fields) {
            shown.field(name.strip_prefix("r#").unwrap_or(name), field.as_debug());
        }
        result = shown.finish();
    });
    result
}

/// Whether two structs are equal as `#[derive(PartialEq)]` says: field by field, in order.
pub(crate) fn eq_objects<T: Object>(left: &T, right: &T) -> bool {
    let mut equal = false;
    left.fields(&mut |left| {
        right.fields(&mut |right| {
            equal = left.len() == right.len()
                && left.iter().zip(right).all(|(l, r)| l.eq_any(r.as_any()));
        });
    });
    equal
}

/// Decodes a struct from a map (see [`read_object`]) or an empty sequence.
pub(crate) fn deserialize_object<'de, T: Object, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::WIRE, ObjectVisitor::<T>(PhantomData))
}

/// The visitor of every struct written by `object!`.
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        empty_seq(seq, self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut reader = MapReader {
            map: &mut map,
            wire: T::WIRE,
            error: None,
            de: PhantomData,
        };
        match T::read(&mut reader) {
            Some(value) => Ok(value),
            None => Err(reader
                .error
                .unwrap_or_else(|| de::Error::custom("a field left unread"))),
        }
    }
}

/// Reads a map into a struct's slots, for [`Object::read`].
pub(crate) trait ReadMap {
    /// Reads the properties into the slots (one per field, in order, see [`read_object`]);
    /// `false` on an error, which the reader keeps.
    fn read(&mut self, slots: &mut [&mut dyn Slot]) -> bool;
}

/// A [`ReadMap`] over a map of the format, keeping its error.
struct MapReader<'a, 'de, A: MapAccess<'de>> {
    map: &'a mut A,
    wire: &'static [&'static str],
    error: Option<A::Error>,
    de: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> ReadMap for MapReader<'_, 'de, A> {
    fn read(&mut self, slots: &mut [&mut dyn Slot]) -> bool {
        match read_object(self.map, self.wire, slots) {
            Ok(()) => true,
            Err(error) => {
                self.error = Some(error);
                false
            }
        }
    }
}

/// The fields' names as written and whether each is sent when `None`, in order, from
/// [`Object::NAMES`].
fn names<T: Object>() -> impl Iterator<Item = (&'static str, bool)> {
    T::NAMES
        .split_terminator('\n')
        .map(|line| match line.split_once(' ') {
            Some((name, flag)) => (name, flag == "serialize_always"),
            None => (line, false),
        })
}

/// A clone of a struct, each field cloned by its own `Clone` (what `#[derive(Clone)]` does),
/// through [`Object::read`]: the struct's slots are filled from its fields rather than from a
/// map, so no struct writes a `clone` body of its own.
pub(crate) fn clone_object<T: Object>(value: &T) -> T {
    let mut copy = None;
    value.fields(&mut |fields| copy = T::read(&mut CloneReader(fields)));
    // `object!` writes `fields` and `read` from the same list of fields, so each slot takes
    // the field of its place and the read cannot fail: nothing a user or server sends
    // reaches this.
    copy.expect("object!: a struct's fields and slots differ")
}

/// A [`ReadMap`] that fills each slot with a clone of the field of its place.
struct CloneReader<'a, 'b>(&'a [&'b dyn Field]);

impl ReadMap for CloneReader<'_, '_> {
    fn read(&mut self, slots: &mut [&mut dyn Slot]) -> bool {
        slots.len() == self.0.len()
            && slots
                .iter_mut()
                .zip(self.0)
                .all(|(slot, field)| slot.clone_from_any(field.as_any()))
    }
}

/// Whether a value encodes as `None` (an `Option` that is `None`: nothing else calls
/// `serialize_none`). Asked of a serializer that stops at the first call.
fn is_none(value: &dyn erased_serde::Serialize) -> bool {
    erased_serde::serialize(value, NoneProbe).is_ok()
}

/// A serializer that accepts `None` and refuses everything else at once.
struct NoneProbe;

/// What [`NoneProbe`] answers to anything but `None`.
#[derive(Debug)]
struct NotNone;

impl std::fmt::Display for NotNone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not None")
    }
}

impl std::error::Error for NotNone {}

impl serde::ser::Error for NotNone {
    fn custom<T: std::fmt::Display>(_message: T) -> Self {
        NotNone
    }
}

/// The methods of [`NoneProbe`] other than `serialize_none`: each refuses.
macro_rules! not_none {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, NotNone> {
            Err(NotNone)
        })*
    };
}

impl Serializer for NoneProbe {
    type Ok = ();
    type Error = NotNone;
    type SerializeSeq = Impossible<(), NotNone>;
    type SerializeTuple = Impossible<(), NotNone>;
    type SerializeTupleStruct = Impossible<(), NotNone>;
    type SerializeTupleVariant = Impossible<(), NotNone>;
    type SerializeMap = Impossible<(), NotNone>;
    type SerializeStruct = Impossible<(), NotNone>;
    type SerializeStructVariant = Impossible<(), NotNone>;

    fn serialize_none(self) -> Result<(), NotNone> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), NotNone> {
        Err(NotNone)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<(), NotNone> {
        Err(NotNone)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), NotNone> {
        Err(NotNone)
    }

    not_none! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// A property name, borrowed from the input where the format allows.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value)))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<Key<'de>, E> {
        // A name that is not UTF-8 matches no field: it is skipped like any unknown one.
        Ok(Key(String::from_utf8_lossy(value)))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(String::from_utf8_lossy(value).into_owned())))
    }
}

/// A field's slot while its struct is decoded: `None` until its property is read.
pub(crate) trait Slot {
    /// Whether the property was read.
    fn is_set(&self) -> bool;
    /// Sets the value to a clone of `value` when that is of the slot's type; whether it was.
    fn clone_from_any(&mut self, value: &dyn Any) -> bool;
    /// Reads the value.
    fn read(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error>;
}

impl<T: de::DeserializeOwned + Clone + 'static> Slot for Option<T> {
    fn clone_from_any(&mut self, value: &dyn Any) -> bool {
        match value.downcast_ref::<T>() {
            Some(value) => {
                *self = Some(value.clone());
                true
            }
            None => false,
        }
    }

    fn is_set(&self) -> bool {
        self.is_some()
    }

    fn read(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'_>,
    ) -> Result<(), erased_serde::Error> {
        *self = Some(erased_serde::deserialize::<T>(deserializer)?);
        Ok(())
    }
}

/// Reads a value into a slot, from the map's own deserializer.
struct SlotSeed<'a>(&'a mut dyn Slot);

impl<'de> DeserializeSeed<'de> for SlotSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
        self.0.read(&mut erased).map_err(de::Error::custom)
    }
}

/// Reads a struct's properties into its slots (one per property name in `wire`): unknown properties are
/// skipped, a property twice is an error; then every slot left empty is filled with what its
/// type is when missing (`None` for an `Option`, else an error naming the property).
pub(crate) fn read_object<'de, A: MapAccess<'de>>(
    map: &mut A,
    wire: &'static [&'static str],
    slots: &mut [&mut dyn Slot],
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        match wire
            .iter()
            .zip(slots.iter_mut())
            .find(|(wire, _)| **wire == key.0)
        {
            Some((wire, slot)) => {
                if slot.is_set() {
                    return Err(de::Error::duplicate_field(wire));
                }
                map.next_value_seed(SlotSeed(&mut **slot))?;
            }
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    for (wire, slot) in wire.iter().zip(slots.iter_mut()) {
        if !slot.is_set() {
            let missing = Missing::<A::Error>(wire, PhantomData);
            slot.read(&mut <dyn erased_serde::Deserializer>::erase(missing))
                .map_err(|_| de::Error::missing_field(wire))?;
        }
    }
    Ok(())
}

/// The value of a property the map does not have: `None` to an `Option`, `missing field` to
/// anything else.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// A struct read from a sequence: only an empty one, read as the empty map.
pub(crate) fn empty_seq<'de, A: SeqAccess<'de>, V: Visitor<'de>>(
    mut seq: A,
    visitor: V,
) -> Result<V::Value, A::Error> {
    match seq.next_element::<IgnoredAny>()? {
        None => visitor.visit_map(EmptyMap(PhantomData)),
        Some(_) => Err(de::Error::invalid_length(
            1,
            &"an object, or an empty array",
        )),
    }
}

/// A map with no entries.
struct EmptyMap<E>(PhantomData<E>);

impl<'de, E: de::Error> MapAccess<'de> for EmptyMap<E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _seed: K) -> Result<Option<K::Value>, E> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _seed: V) -> Result<V::Value, E> {
        Err(de::Error::custom("a value without a property name"))
    }
}

#[cfg(test)]
mod tests {
    //! The macro called as a generated client calls it: from a `types` module beside
    //! `runtime`, compared with serde's derives (and serde_with's `skip_serializing_none`) on
    //! the same struct.

    use crate as runtime;

    mod types {
        use super::runtime;

        runtime::object! {
            /// A pet.
            #[non_exhaustive]
            pub struct Pet {
                /// The id.
                #[wire = "id"]
                pub id: i64,
                #[wire = "petType"]
                pub pet_type: Option<String>,
                #[wire = "tags"]
                pub tags: Option<Vec<String>>,
                #[wire = "type"]
                pub r#type: Option<serde_json::Value>,
                #[wire = "owner"]
                pub owner: Option<Owner>,
                /// Required and nullable: sent as `null`.
                #[wire = "note"]
                #[serialize_always]
                pub note: Option<String>,
            }
        }

        runtime::object! {
            #[derive(Default)]
            pub struct Owner {
                #[wire = "name"]
                pub name: Option<String>,
            }
        }

        runtime::object! {
            pub struct Empty {}
        }

        /// The same fields with serde's derives, the behaviour the macro keeps.
        #[serde_with::skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct Derived {
            pub id: i64,
            #[serde(rename = "petType")]
            pub pet_type: Option<String>,
            pub tags: Option<Vec<String>>,
            #[serde(rename = "type")]
            pub r#type: Option<serde_json::Value>,
            pub owner: Option<Owner>,
            #[serialize_always]
            pub note: Option<String>,
        }

        #[derive(Debug)]
        pub struct EmptyDerived {}
    }

    use types::{Derived, Empty, EmptyDerived, Owner, Pet};

    /// The macro's result and the derive's on `json`: both values, or both error messages.
    fn both(json: &str) -> (Result<Pet, String>, Result<Derived, String>) {
        (
            serde_json::from_str::<Pet>(json).map_err(|e| e.to_string()),
            serde_json::from_str::<Derived>(json).map_err(|e| e.to_string()),
        )
    }

    /// Whether the two hold the same values, compared by what they encode to.
    fn same(pet: &Pet, derived: &Derived) -> bool {
        serde_json::to_string(pet).unwrap() == serde_json::to_string(derived).unwrap()
    }

    #[test]
    fn decodes_what_the_derive_decodes() {
        for json in [
            r#"{"id": 1}"#,
            r#"{"id": 1, "petType": "cat", "tags": ["a"], "type": {"x": [1]}, "owner": {"name": "n"}, "note": "x"}"#,
            r#"{"petType": null, "id": 2, "unknown": {"deep": [1, 2, {"a": null}]}}"#,
            r#"{"id": 3, "type": null, "note": null}"#,
            r#"{"id": 4, "owner": {"name": "a\"b", "other": 1}}"#,
            "{\"\\u0069d\": 5}",
        ] {
            let (pet, derived) = both(json);
            let (pet, derived) = (pet.unwrap(), derived.unwrap());
            assert!(same(&pet, &derived), "{json}: {pet:?} vs {derived:?}");
        }
    }

    #[test]
    fn refuses_what_the_derive_refuses_with_the_same_message() {
        for json in [
            r#"{}"#,
            r#"{"petType": "cat"}"#,
            r#"{"id": "one"}"#,
            r#"{"id": 1, "id": 2}"#,
            r#"{"id": 1, "tags": "a"}"#,
            r#"{"id": 1, "owner": {"name": 3}}"#,
            "5",
            "null",
        ] {
            let (pet, derived) = both(json);
            let (pet, derived) = (pet.unwrap_err(), derived.unwrap_err());
            // The derive's message for a wrong type names "struct Derived".
            assert_eq!(pet, derived.replace("Derived", "Pet"), "{json}");
        }
    }

    #[test]
    fn encodes_what_the_derive_encodes() {
        for json in [
            r#"{"id": 1}"#,
            r#"{"id": 1, "petType": "cat", "tags": [], "type": 3, "owner": {}, "note": "n"}"#,
            r#"{"id": 2, "type": null, "owner": {"name": null}}"#,
        ] {
            let (pet, derived) = both(json);
            let (pet, derived) = (pet.unwrap(), derived.unwrap());
            let ours = serde_json::to_string(&pet).unwrap();
            assert_eq!(ours, serde_json::to_string(&derived).unwrap(), "{json}");
            // `None` options are left out, the one marked `serialize_always` is `null`.
            assert!(ours.contains(r#""note":"#), "{ours}");
            assert_eq!(serde_json::from_str::<Pet>(&ours).unwrap(), pet);
        }
        assert_eq!(serde_json::to_string(&Owner::default()).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
    }

    #[test]
    fn clone_is_the_derives() {
        let json = r#"{"id": 9, "petType": "cat", "tags": ["a", "b"], "type": {"x": [1, null]}, "owner": {"name": "n"}, "note": null}"#;
        let (pet, derived) = both(json);
        let (pet, derived) = (pet.unwrap(), derived.unwrap());
        let copy = pet.clone();
        assert_eq!(copy, pet);
        assert!(same(&copy, &derived.clone()));
        assert_eq!(format!("{copy:#?}"), format!("{pet:#?}"));
        // A deep copy: changing the clone leaves the original as it was.
        let mut changed = pet.clone();
        if let Some(tags) = changed.tags.as_mut() {
            tags.push("c".to_owned());
        }
        assert_ne!(changed, pet);
        assert_eq!(pet.tags.as_deref().map(<[String]>::len), Some(2));
        assert_eq!(Owner::default().clone(), Owner::default());
        assert_eq!(Empty {}.clone(), Empty {});
    }

    #[test]
    fn an_empty_array_is_the_empty_object() {
        assert_eq!(
            serde_json::from_str::<Owner>("[]").unwrap(),
            Owner::default()
        );
        assert_eq!(serde_json::from_str::<Empty>("[]").unwrap(), Empty {});
        let required = serde_json::from_str::<Pet>("[]").unwrap_err().to_string();
        assert!(required.contains("missing field `id`"), "{required}");
        let full = serde_json::from_str::<Owner>(r#"["a"]"#)
            .unwrap_err()
            .to_string();
        assert!(full.contains("invalid length 1"), "{full}");
    }

    #[test]
    fn decodes_from_a_json_value_owned_and_borrowed() {
        let value = serde_json::json!({"id": 7, "petType": "dog", "owner": {"name": "o"}});
        let owned: Pet = serde_json::from_value(value.clone()).unwrap();
        let borrowed = <Pet as serde::Deserialize>::deserialize(&value).unwrap();
        assert_eq!(owned, borrowed);
        assert_eq!(owned.pet_type.as_deref(), Some("dog"));
        assert_eq!(owned.owner.and_then(|o| o.name).as_deref(), Some("o"));
    }

    #[test]
    fn debug_and_equality_are_the_derives() {
        let json = r#"{"id": 1, "petType": "cat", "tags": ["a"], "type": {"x": 1.5}, "owner": {"name": "n"}}"#;
        let (pet, derived) = both(json);
        let (pet, derived) = (pet.unwrap(), derived.unwrap());
        assert_eq!(
            format!("{pet:?}"),
            format!("{derived:?}").replacen("Derived", "Pet", 1)
        );
        assert_eq!(
            format!("{pet:#?}"),
            format!("{derived:#?}").replacen("Derived", "Pet", 1)
        );
        assert!(format!("{pet:?}").contains("type: Some(Object"), "{pet:?}");
        for alternate in [false, true] {
            let show = |value: &dyn std::fmt::Debug| match alternate {
                true => format!("{value:#?}"),
                false => format!("{value:?}"),
            };
            assert_eq!(
                show(&Empty {}),
                show(&EmptyDerived {}).replace("EmptyDerived", "Empty")
            );
        }
        assert_eq!(
            format!("{:#?}", Owner::default()),
            "Owner {\n    name: None,\n}"
        );

        assert_eq!(pet, pet.clone());
        assert_eq!(Empty {}, Empty {});
        let differs: [fn(&mut Pet); 4] = [
            |p| p.id = 2,
            |p| p.pet_type = None,
            |p| p.owner = Some(Owner::default()),
            |p| p.r#type = Some(serde_json::json!({"x": 1.25})),
        ];
        for change in differs {
            let mut other = pet.clone();
            change(&mut other);
            assert_ne!(pet, other);
            assert_ne!(other, pet);
        }
        let nan = |id| Pet {
            r#type: Some(serde_json::json!(f64::NAN)),
            ..serde_json::from_value(serde_json::json!({ "id": id })).unwrap()
        };
        // `json!(NaN)` is `null`: equal, as the derive says.
        assert_eq!(nan(1), nan(1));
    }
}
