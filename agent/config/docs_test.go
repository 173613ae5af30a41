package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// docs/config.md is the reference bank IT reads: every key of the schema
// must be in it, so a new key cannot ship undocumented.
func TestEveryKeyDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	var keys []string
	walkKeys("", reflect.TypeOf(Policy{}), &keys)
	if len(keys) < 20 {
		t.Fatalf("found only %d keys; the walk is broken", len(keys))
	}
	for _, k := range keys {
		if !strings.Contains(doc, "`"+k) {
			t.Errorf("docs/config.md does not document %s", k)
		}
	}
}

func walkKeys(path string, t reflect.Type, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeOf(Screens{}) {
			walkKeys(join(path, "<screen>"), reflect.TypeOf(ScreenText{}), out)
			return
		}
		for name, ft := range jsonFields(t) {
			walkKeys(join(path, name), ft, out)
		}
	case reflect.Map:
		placeholder := "<id>"
		switch {
		case strings.HasSuffix(path, "screens"):
			placeholder = "<lang>"
		case strings.HasSuffix(path, ".text"), strings.HasSuffix(path, ".advice"), strings.HasSuffix(path, ".hint"):
			*out = append(*out, path+".<lang>")
			return
		}
		walkKeys(join(path, placeholder), t.Elem(), out)
	default:
		*out = append(*out, path)
	}
}
