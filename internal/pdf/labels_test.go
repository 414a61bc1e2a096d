package pdf

import (
	"reflect"
	"testing"
)

func TestLabelsWithDefaults(t *testing.T) {
	t.Parallel()
	got := Labels{NeedBy: "Benötigt bis", DecimalMark: ","}.withDefaults()
	if got.NeedBy != "Benötigt bis" || got.DecimalMark != "," {
		t.Errorf("given captions changed: NeedBy %q, DecimalMark %q", got.NeedBy, got.DecimalMark)
	}
	def := DefaultLabels()
	if got.ReturnTo != def.ReturnTo || got.Due != def.Due || got.Page != def.Page {
		t.Errorf("empty captions not filled: ReturnTo %q, Due %q, Page %q", got.ReturnTo, got.Due, got.Page)
	}
	if (Labels{}).withDefaults() != def {
		t.Errorf("zero Labels with defaults differ from DefaultLabels()")
	}
}

func TestDefaultLabelsComplete(t *testing.T) {
	t.Parallel()
	v := reflect.ValueOf(DefaultLabels())
	for i := range v.NumField() {
		if v.Field(i).String() == "" {
			t.Errorf("DefaultLabels().%s is empty", v.Type().Field(i).Name)
		}
	}
}
