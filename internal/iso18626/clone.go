package iso18626

import "reflect"

// Clone returns a deep copy of m: no pointer or slice is shared with m.
func (m *Message) Clone() *Message {
	if m == nil {
		return nil
	}
	return deepCopy(reflect.ValueOf(m)).Interface().(*Message)
}

// deepCopy copies pointers, slices and exported struct fields recursively.
// The model holds only those, strings, numbers and time.Time (copied by
// value, its location pointer being immutable).
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(deepCopy(v.Elem()))
		return n
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(deepCopy(v.Index(i)))
		}
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return n
	}
	return v
}
