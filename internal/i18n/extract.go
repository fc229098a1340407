// Package i18n finds the messages of Commonplace's interface in its
// source, so that locales/en.toml can always hold every one of them.
// It reads the theme's templates ({{t "..."}}, {{tHTML "..."}},
// {{tn "one" "other" N}}) and the Go sources (s.t(r, "..."), tr.T("..."),
// s.tn(r, "one", "other", n), hub.Errorf(code, "..."), fieldErrors.add,
// hub.Internal(err, "..."), and hub.Msg("...")/msg("...") for messages
// that are chosen before they are shown). Only string literals count: a
// message built at run time cannot be translated, and the pseudo-locale
// test finds it on the page.
package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"
)

// Message is one message found in the source.
type Message struct {
	ID    string // the English text (the one form of a plural)
	Other string // a plural's other form; "" for a plain message
	Where string // the first file it was found in, relative to the root
}

// Extract walks the module at root (themes/ and every non-test Go file
// outside cmd/) and returns its messages by ID.
func Extract(root string) (map[string]Message, error) {
	out := map[string]Message{}
	add := func(m Message) error {
		if strings.TrimSpace(m.ID) == "" {
			return nil
		}
		if old, ok := out[m.ID]; ok {
			if old.Other != m.Other {
				return fmt.Errorf("message %q has two other forms: %q (%s) and %q (%s)", m.ID, old.Other, old.Where, m.Other, m.Where)
			}
			return nil
		}
		out[m.ID] = m
		return nil
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			base := d.Name()
			// cmd: the command line speaks English (its errors, when it
			// shows the domain's, are the domain's English messages).
			if rel != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "node_modules" || rel == "cmd") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasPrefix(rel, "themes/") && strings.HasSuffix(rel, ".html"):
			return fromTemplate(p, rel, add)
		case strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go"):
			return fromGo(p, rel, add)
		}
		return nil
	})
	return out, err
}

// fromTemplate adds the messages of one template file.
func fromTemplate(file, rel string, add func(Message) error) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	t := parse.New(rel)
	t.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(string(src), "{{", "}}", trees); err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	var walkErr error
	names := make([]string, 0, len(trees))
	for n := range trees {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		walkNode(trees[n].Root, func(c *parse.CommandNode) {
			if walkErr != nil || len(c.Args) < 2 {
				return
			}
			id, ok := c.Args[0].(*parse.IdentifierNode)
			if !ok {
				return
			}
			s1, ok1 := c.Args[1].(*parse.StringNode)
			switch id.Ident {
			case "t", "tHTML":
				if ok1 {
					walkErr = add(Message{ID: s1.Text, Where: rel})
				}
			case "tn":
				if len(c.Args) >= 3 {
					s2, ok2 := c.Args[2].(*parse.StringNode)
					if ok1 && ok2 {
						walkErr = add(Message{ID: s1.Text, Other: s2.Text, Where: rel})
					}
				}
			}
		})
	}
	return walkErr
}

// walkNode calls f for every command in the tree under n.
func walkNode(n parse.Node, f func(*parse.CommandNode)) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n != nil { // a typed nil: a branch without {{else}}
			walkNodes(n.Nodes, f)
		}
	case *parse.ActionNode:
		walkNode(n.Pipe, f)
	case *parse.PipeNode:
		if n != nil {
			walkNodes(n.Cmds, f)
		}
	case *parse.CommandNode:
		f(n)
		walkNodes(n.Args, f)
	case *parse.ChainNode:
		walkNode(n.Node, f)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, f)
	case *parse.TemplateNode:
		walkNode(n.Pipe, f)
	}
}

// walkNodes walks each of nodes in turn.
func walkNodes[N parse.Node](nodes []N, f func(*parse.CommandNode)) {
	for _, n := range nodes {
		walkNode(n, f)
	}
}

func walkBranch(b *parse.BranchNode, f func(*parse.CommandNode)) {
	walkNode(b.Pipe, f)
	walkNode(b.List, f)
	walkNode(b.ElseList, f)
}

// goCall says which arguments of a call are messages: the index of the
// message (or of a plural's one form, with the other form after it).
type goCall struct {
	msg    int
	plural bool
}

// goCalls are the calls whose literal arguments are messages, by the
// called name.
var goCalls = map[string]goCall{
	"t":          {msg: 1},               // s.t(r, "...")
	"T":          {msg: 0},               // tr.T("...")
	"HTML":       {msg: 0},               // tr.HTML("...")
	"tn":         {msg: 1, plural: true}, // s.tn(r, "one", "other", n)
	"Tn":         {msg: 0, plural: true}, // tr.Tn("one", "other", n)
	"Errorf":     {msg: 1},               // hub.Errorf(code, "...")
	"Msg":        {msg: 0},               // hub.Msg("...")
	"msg":        {msg: 0},               // msg("...") in hub/web and locales
	"Internal":   {msg: 1},               // hub.Internal(err, "...")
	"add":        {msg: 1},               // fieldErrors.add(field, "...") in hub
	"text":       {msg: 0},               // w.text("...") in locales
	"addf":       {msg: 1},               // fieldErrors.addf(field, "...", args) in hub
	"err":        {msg: 0},               // fieldErrors.err("event") in hub
	"checkText":  {msg: 2},               // checkText(f, field, "Label", ...) in hub
	"N":          {msg: 0, plural: true}, // w.N("one", "other", n)
	"renderForm": {msg: 4},               // s.renderForm(w, r, status, view, "Title", fv) in hub/web
	"failedForm": {msg: 4},               // s.failedForm(w, r, err, view, "Title", fv) in hub/web
	"adminList":  {msg: 2},               // adminList(s, view, "Title", list) in hub/web
}

// fromGo adds the messages of one Go file.
func fromGo(file, rel string, add func(Message) error) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	pkg := f.Name.Name
	var walkErr error
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.CompositeLit); ok && walkErr == nil {
			for _, id := range literalMessages(lit) {
				if walkErr == nil {
					walkErr = add(Message{ID: id, Where: rel})
				}
			}
			return true
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || walkErr != nil {
			return walkErr == nil
		}
		name, recv := calledName(call.Fun)
		spec, ok := goCalls[name]
		if !ok || !wantCall(name, recv, pkg) || len(call.Args) <= spec.msg {
			return true
		}
		id, ok := literal(call.Args[spec.msg])
		if !ok {
			return true
		}
		m := Message{ID: id, Where: rel}
		if spec.plural {
			if len(call.Args) <= spec.msg+1 {
				return true
			}
			if m.Other, ok = literal(call.Args[spec.msg+1]); !ok {
				return true
			}
		}
		walkErr = add(m)
		return true
	})
	return walkErr
}

// wantCall tells message calls from others of the same name:
// fmt.Errorf and template.HTML are not messages, add is one only in hub.
func wantCall(name, recv, pkg string) bool {
	switch name {
	case "Errorf", "Msg", "Internal":
		return recv == "hub" || (recv == "" && pkg == "hub")
	case "HTML":
		return recv != "template"
	case "add", "addf", "err":
		return pkg == "hub" && recv != ""
	case "checkText":
		return pkg == "hub" && recv == ""
	case "renderForm", "failedForm", "adminList":
		return pkg == "web"
	case "msg":
		return recv == ""
	case "text":
		return pkg == "locales" && recv != ""
	}
	return recv != ""
}

// calledName returns the name a call calls and the identifier before the
// dot, if any ("hub" for hub.Errorf, "s" for s.t).
func calledName(fun ast.Expr) (name, recv string) {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name, ""
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return f.Sel.Name, x.Name
		}
		return f.Sel.Name, "?"
	}
	return "", ""
}

// literal returns the value of a string literal, or of literals joined
// with +.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(e.X)
		b, ok2 := literal(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return literal(e.X)
	}
	return "", false
}

// literalMessages returns the messages of a hub.Text literal
// (Text{Format: "..."}) and of a hub.Error literal (its Message and the
// values of its Fields map), as written.
func literalMessages(lit *ast.CompositeLit) []string {
	var name string
	switch t := lit.Type.(type) {
	case *ast.Ident:
		name = t.Name
	case *ast.SelectorExpr:
		name = t.Sel.Name
	}
	if name != "Text" && name != "Error" {
		return nil
	}
	var out []string
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		k, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		switch {
		case name == "Text" && k.Name == "Format", name == "Error" && k.Name == "Message":
			if s, ok := literal(kv.Value); ok {
				out = append(out, s)
			}
		case name == "Error" && k.Name == "Fields":
			if m, ok := kv.Value.(*ast.CompositeLit); ok {
				for _, fe := range m.Elts {
					if fkv, ok := fe.(*ast.KeyValueExpr); ok {
						if s, ok := literal(fkv.Value); ok {
							out = append(out, s)
						}
					}
				}
			}
		}
	}
	return out
}
