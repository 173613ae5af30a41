package rules

import (
	"reflect"
	"slices"

	"github.com/expr-lang/expr/ast"
)

// Vars returns the Env variables (by rule name: "fn", "card_24h", …) the
// condition reads, with ok true; ok is false when it may read anything:
// a name that is not an Env variable (a let binding, $env) or the clock
// (now()). Evaluated twice over Envs equal in these variables, a
// condition gives the same result, so agent/backtest re-evaluates a rule
// only when one of them changed.
func (p *Program) Vars() (vars []string, ok bool) { return slices.Clone(p.vars), !p.all }

// envVars are Env's variable names.
var envVars = func() map[string]bool {
	t := reflect.TypeOf(Env{})
	out := map[string]bool{}
	for i := range t.NumField() {
		out[t.Field(i).Tag.Get("expr")] = true
	}
	return out
}()

// reads walks a compiled condition for the variables it reads.
func reads(node ast.Node) ([]string, bool) {
	r := &readsVisitor{seen: map[string]bool{}, ok: true}
	ast.Walk(&node, r)
	if !r.ok {
		return nil, false
	}
	return r.vars, true
}

type readsVisitor struct {
	vars []string
	seen map[string]bool
	ok   bool
}

func (r *readsVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		switch {
		case !envVars[n.Value]:
			r.ok = false
		case !r.seen[n.Value]:
			r.seen[n.Value] = true
			r.vars = append(r.vars, n.Value)
		}
	case *ast.BuiltinNode:
		if n.Name == "now" {
			r.ok = false
		}
	}
}
