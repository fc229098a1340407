package htmlcheck

import "testing"

func TestCheck(t *testing.T) {
	strict := Policy{Elements: []string{"p", "a", "img"}, Attributes: []string{"href", "src", "srcset"}}
	for _, tt := range []struct {
		out  string
		p    Policy
		safe bool
	}{
		{`<p>hi <a href="https://x.example/">x</a> <a href="/rel">r</a> <a href="mailto:a@x.example">m</a></p>`, strict, true},
		{`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`, strict, true},
		{`<a href="a b:c">relative path</a>`, strict, true},
		{`<script>alert(1)</script>`, Policy{}, false},
		{`<SVG><p>x</p></SVG>`, Policy{}, false},
		{`<p onclick="x">t</p>`, Policy{}, false},
		{`<p STYLE="x">t</p>`, Policy{}, false},
		{`<a href="javascript:alert(1)">x</a>`, Policy{}, false},
		{`<a href="  JaVa&#x09;ScRiPt:alert(1)">x</a>`, Policy{}, false},
		{"<a href=\"\x01javascript:alert(1)\">x</a>", Policy{}, false},
		{`<a href="data:text/html,x">x</a>`, Policy{}, false},
		{`<a href="tel:123">x</a>`, Policy{}, false},
		{`<a href="tel:123">x</a>`, Policy{Schemes: []string{"tel"}}, true},
		{`<img srcset="https://a.example/1.png 1x, javascript:alert(1) 2x">`, Policy{}, false},
		{`<h1>t</h1>`, strict, false},
		{`<p class="x">t</p>`, strict, false},
	} {
		err := Check(tt.out, tt.p)
		if (err == nil) != tt.safe {
			t.Errorf("Check(%q): %v, want safe=%v", tt.out, err, tt.safe)
		}
	}
}
