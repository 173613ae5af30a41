package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/transferguard/transferguard/agent/rules"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/configs"
)

// ValidationError lists every problem found, each prefixed by its field
// path (rules.phone-call.when: …), so bank IT fixes a document in one pass.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "invalid configuration: " + strings.Join(e.Problems, "; ")
}

// Defaults returns the shipped default policy as a layer. It panics only if
// the embedded file itself is broken, which a test rules out at build time.
func Defaults() map[string]any {
	m, err := ParseYAML(configs.DefaultPolicy)
	if err != nil {
		panic(fmt.Sprintf("config: shipped defaults: %v", err))
	}
	return m
}

// ParseYAML reads a YAML (or JSON) mapping into a layer.
func ParseYAML(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse yaml: %w", err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return normalise(m).(map[string]any), nil
}

// Build merges layers key by key in order (later wins; lists are replaced
// whole), decodes the result strictly and validates it completely.
func Build(layers ...map[string]any) (*Policy, error) {
	merged := map[string]any{}
	for _, l := range layers {
		merged = Merge(merged, l)
	}
	var problems []string
	unknownKeys("", merged, reflect.TypeOf(Policy{}), &problems)
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return nil, fmt.Errorf("config: encode merged layers: %w", err)
	}
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&p); err != nil {
		return nil, &ValidationError{Problems: []string{typeProblem(err)}}
	}
	if problems := p.validate(); len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return &p, nil
}

// Merge returns base with over laid on it key by key: maps merge
// recursively, any other value (lists included) replaces. Neither input is
// modified.
func Merge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if om, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = Merge(bm, om)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// normalise turns YAML's map[any]any (non-string keys) into string-keyed
// maps so layers from YAML and JSON merge alike.
func normalise(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalise(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = normalise(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = normalise(e)
		}
		return t
	}
	return v
}

// unknownKeys walks a layer against the schema type and reports every key
// the schema does not have, with its path.
func unknownKeys(path string, v any, t reflect.Type, problems *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if list, ok := v.([]any); ok && t.Kind() == reflect.Slice {
		for i, e := range list {
			unknownKeys(fmt.Sprintf("%s[%d]", path, i), e, t.Elem(), problems)
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	switch t.Kind() {
	case reflect.Map:
		for _, k := range sortedKeys(m) {
			unknownKeys(join(path, k), m[k], t.Elem(), problems)
		}
	case reflect.Struct:
		fields := jsonFields(t)
		for _, k := range sortedKeys(m) {
			ft, ok := fields[k]
			if !ok {
				*problems = append(*problems, fmt.Sprintf("%s: unknown key (a typo, or a key this agent version does not know?)", join(path, k)))
				continue
			}
			unknownKeys(join(path, k), m[k], ft, problems)
		}
	}
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func typeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if ok := asType(err, &te); ok {
		return fmt.Sprintf("%s: expected %s, got %s", te.Field, te.Type, te.Value)
	}
	return err.Error()
}

func asType(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

// validate checks every value and compiles every rule, collecting problems.
func (p *Policy) validate() []string {
	var pr []string
	add := func(f string, a ...any) { pr = append(pr, fmt.Sprintf(f, a...)) }
	loc, err := time.LoadLocation(p.Timezone)
	if err != nil || p.Timezone == "" {
		add("timezone: unknown time zone %q", p.Timezone)
	}
	p.loc = loc
	t := p.Timings
	between := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			add("timings.%s: %d is outside %d..%d", name, v, lo, hi)
		}
	}
	between("reminder_s", t.ReminderS, 0, 60)
	between("cooling_off_s", t.CoolingOffS, 0, 300)
	between("link_timeout_s", t.LinkTimeoutS, 3, 600)
	between("heartbeat_s", t.HeartbeatS, 1, 60)
	between("early_ack_grace_ms", t.EarlyAckGraceMS, 0, 5000)
	a := p.Alerts
	if a.Medium < 1 || a.Medium > 100 || a.High < a.Medium || a.High > 100 {
		add("alerts: need 1 <= medium (%d) <= high (%d) <= 100", a.Medium, a.High)
	}
	switch a.HoldLevel {
	case HoldLevelNone, string(wire.LevelMedium), string(wire.LevelHigh):
	default:
		add("alerts.hold_level: %q is not none, medium or high", a.HoldLevel)
	}
	if !ValidHelpKey(p.HelpKey) {
		add("help_key: %q is not one of F1…F8", p.HelpKey)
	}
	if r := p.SiteRegion; r != "" && (len(r) != 6 || strings.Trim(r, "0123456789") != "") {
		add("site_region: %q is not a 6-digit administrative code", r)
	}
	if a.CorrelationKey != "" && !isHex(a.CorrelationKey, 32) {
		add("alerts.correlation_key: want at least 32 hex digits")
	}
	pr = append(pr, p.validateLanguages()...)
	pr = append(pr, p.validateRules()...)
	pr = append(pr, p.validateQuestions()...)
	return pr
}

func (p *Policy) validateLanguages() []string {
	var pr []string
	if len(p.Languages) == 0 {
		pr = append(pr, "languages: at least one language is needed")
	}
	has := map[string]bool{}
	for _, l := range p.Languages {
		has[l] = true
		sc, ok := p.Screens[l]
		if !ok {
			pr = append(pr, fmt.Sprintf("screens.%s: missing for listed language", l))
			continue
		}
		for _, name := range ScreenNames {
			st, _ := sc.ByName(name)
			if strings.TrimSpace(st.Title) == "" {
				pr = append(pr, fmt.Sprintf("screens.%s.%s.title: must not be empty", l, name))
			}
		}
		if sc.TransferWarning.CountdownLabel == "" {
			pr = append(pr, fmt.Sprintf("screens.%s.transfer_warning.countdown_label: must not be empty", l))
		}
		if sc.TransferWarning.AckPrompt == "" {
			pr = append(pr, fmt.Sprintf("screens.%s.transfer_warning.ack_prompt: must not be empty", l))
		}
		for _, id := range []string{screen.ChoiceContinue, screen.ChoiceStop, screen.ChoiceHelp} {
			if strings.TrimSpace(sc.TransferWarning.Choices[id]) == "" {
				pr = append(pr, fmt.Sprintf("screens.%s.transfer_warning.choices.%s: must not be empty", l, id))
			}
		}
	}
	if !has[p.DefaultLang] {
		pr = append(pr, fmt.Sprintf("default_lang: %q is not in languages", p.DefaultLang))
	}
	if !has[p.Alerts.Lang] {
		pr = append(pr, fmt.Sprintf("alerts.lang: %q is not in languages", p.Alerts.Lang))
	}
	return pr
}

func (p *Policy) validateRules() []string {
	var pr []string
	p.ordered = p.ordered[:0]
	for _, id := range sortedRuleIDs(p.Rules) {
		r := p.Rules[id]
		path := "rules." + id
		if r == nil {
			pr = append(pr, path+": empty rule")
			continue
		}
		r.ID = id
		if !validRuleID(id) {
			pr = append(pr, path+": id must be 1-64 of a-z 0-9 - _")
		}
		prog, err := rules.Compile(r.When)
		if err != nil {
			pr = append(pr, fmt.Sprintf("%s.when: %v", path, err))
		}
		r.prog = prog
		if r.Score < 0 || r.Score > 100 {
			pr = append(pr, fmt.Sprintf("%s.score: %d is outside 0..100", path, r.Score))
		}
		for _, l := range p.Languages {
			if r.Text[l] == "" {
				pr = append(pr, fmt.Sprintf("%s.text.%s: missing", path, l))
			}
		}
		if r.On() {
			p.ordered = append(p.ordered, r)
		}
	}
	return pr
}

func sortedRuleIDs(m map[string]*Rule) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func validRuleID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isHex(s string, min int) bool {
	if len(s) < min || len(s)%2 != 0 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// ValidHelpKey reports whether k names a terminal function key F1…F8, the
// keys a KEY frame may carry besides ENTER and CANCEL (CONTRACT §2).
func ValidHelpKey(k string) bool {
	return len(k) == 2 && k[0] == 'F' && k[1] >= '1' && k[1] <= '8'
}
