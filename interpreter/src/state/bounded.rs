//! A serde deserializer wrapper that bounds the work of decoding by the input's size.
//!
//! Every element of a sequence and every entry of a map whose count is read from the input
//! (not the fields of a struct or tuple, whose count is the type's) costs one unit of a budget
//! that starts at the number of input bytes. Postcard spends at least one byte on each such
//! element of Rhythm's state types (every element type has a tag, a length or a number in
//! it), so a real state never runs out; a corrupt length (a count of millions in a few bytes,
//! or elements that take no bytes at all, the classic `Vec<()>` trap) stops at the budget with
//! an error instead of looping or allocating. Size hints are capped by the budget too, so no
//! collection is preallocated beyond it.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// Units of decoding work left (shared by every wrapper of one decode).
pub(super) struct Budget(Cell<usize>);

impl Budget {
    /// A budget of `units` (the input's length in bytes).
    pub(super) fn new(units: usize) -> Self {
        Budget(Cell::new(units))
    }

    fn left(&self) -> usize {
        self.0.get()
    }

    /// Spends one unit; an error once none is left.
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.0.get().checked_sub(1) {
            Some(left) => {
                self.0.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "more elements than the input has bytes (a corrupt length)",
            )),
        }
    }

    /// A size hint no larger than the budget left (what a collection may preallocate).
    fn cap(&self, hint: Option<usize>) -> Option<usize> {
        Some(hint.unwrap_or(0).min(self.left()))
    }
}

/// `inner`, with every collection it reads charged to `budget`.
pub(super) struct Bounded<'b, D> {
    /// The format's deserializer.
    pub(super) inner: D,
    /// The shared budget.
    pub(super) budget: &'b Budget,
}

struct BVisitor<'b, V> {
    inner: V,
    budget: &'b Budget,
    /// The sequence or map it visits has a length read from the input (charged), not one
    /// fixed by the type (a struct's or tuple's fields).
    counted: bool,
}

struct BSeed<'b, S> {
    inner: S,
    budget: &'b Budget,
}

struct BSeq<'b, A> {
    inner: A,
    budget: &'b Budget,
    counted: bool,
}

struct BMap<'b, A> {
    inner: A,
    budget: &'b Budget,
    counted: bool,
}

struct BEnum<'b, A> {
    inner: A,
    budget: &'b Budget,
}

struct BVariant<'b, A> {
    inner: A,
    budget: &'b Budget,
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*) $counted:expr;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method(
                    $($arg,)*
                    BVisitor { inner: visitor, budget: self.budget, counted: $counted },
                )
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Bounded<'_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any() true;
        deserialize_bool() true;
        deserialize_i8() true;
        deserialize_i16() true;
        deserialize_i32() true;
        deserialize_i64() true;
        deserialize_i128() true;
        deserialize_u8() true;
        deserialize_u16() true;
        deserialize_u32() true;
        deserialize_u64() true;
        deserialize_u128() true;
        deserialize_f32() true;
        deserialize_f64() true;
        deserialize_char() true;
        deserialize_str() true;
        deserialize_string() true;
        deserialize_bytes() true;
        deserialize_byte_buf() true;
        deserialize_option() true;
        deserialize_unit() true;
        deserialize_unit_struct(name: &'static str) true;
        deserialize_newtype_struct(name: &'static str) true;
        deserialize_seq() true;
        deserialize_tuple(len: usize) false;
        deserialize_tuple_struct(name: &'static str, len: usize) false;
        deserialize_map() true;
        deserialize_struct(name: &'static str, fields: &'static [&'static str]) false;
        deserialize_enum(name: &'static str, variants: &'static [&'static str]) true;
        deserialize_identifier() true;
        deserialize_ignored_any() true;
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! visit_plain {
    ($($method:ident($ty:ty);)*) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
                self.inner.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for BVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    visit_plain! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Bounded {
            inner: d,
            budget: self.budget,
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Bounded {
            inner: d,
            budget: self.budget,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(BSeq {
            inner: seq,
            budget: self.budget,
            counted: self.counted,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(BMap {
            inner: map,
            budget: self.budget,
            counted: self.counted,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(BEnum {
            inner: data,
            budget: self.budget,
        })
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for BSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.deserialize(Bounded {
            inner: d,
            budget: self.budget,
        })
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for BSeq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let next = self.inner.next_element_seed(BSeed {
            inner: seed,
            budget: self.budget,
        })?;
        if self.counted && next.is_some() {
            self.budget.spend::<A::Error>()?;
        }
        Ok(next)
    }

    fn size_hint(&self) -> Option<usize> {
        if self.counted {
            self.budget.cap(self.inner.size_hint())
        } else {
            self.inner.size_hint()
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for BMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let next = self.inner.next_key_seed(BSeed {
            inner: seed,
            budget: self.budget,
        })?;
        if self.counted && next.is_some() {
            self.budget.spend::<A::Error>()?;
        }
        Ok(next)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(BSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        if self.counted {
            self.budget.cap(self.inner.size_hint())
        } else {
            self.inner.size_hint()
        }
    }
}

impl<'de, 'b, A: EnumAccess<'de>> EnumAccess<'de> for BEnum<'b, A> {
    type Error = A::Error;
    type Variant = BVariant<'b, A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(BSeed {
            inner: seed,
            budget: self.budget,
        })?;
        Ok((
            value,
            BVariant {
                inner: variant,
                budget: self.budget,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for BVariant<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.newtype_variant_seed(BSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(
            len,
            BVisitor {
                inner: visitor,
                budget: self.budget,
                counted: false,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(
            fields,
            BVisitor {
                inner: visitor,
                budget: self.budget,
                counted: false,
            },
        )
    }
}
