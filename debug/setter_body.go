package debug

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"
)

// maxNameShown bounds a flag name the setter repeats in an answer or a
// log line: a name no flag has may be as long as the body.
const maxNameShown = 256

// shortName returns name cut to maxNameShown bytes, on a character
// boundary, marked with "…" when cut.
func shortName(name string) string {
	if len(name) <= maxNameShown {
		return name
	}
	cut := maxNameShown
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + "…"
}

// decodeSetRequest reads the request's body, bounded by maxSetBody, as
// SetRequest describes.
func decodeSetRequest(w http.ResponseWriter, r *http.Request) (SetRequest, error) {
	var req SetRequest
	r.Body = http.MaxBytesReader(w, r.Body, maxSetBody)
	q := r.URL.Query()
	if q.Has("name") || q.Has("value") {
		return req, errors.New(`"name" and "value" go in the body, not in the URL's query`)
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mediaType {
	case "application/json":
		req, err = decodeSetJSON(r.Body)
	case "application/x-www-form-urlencoded", "multipart/form-data":
		req, err = decodeSetForm(r)
	default:
		return req, fmt.Errorf("content type %q: send application/json or form fields name and value", mediaType)
	}
	switch {
	case err != nil:
		return req, err
	case req.Name == "":
		return req, errors.New(`missing "name": the flag to set`)
	case req.Value == nil:
		return req, errors.New(`missing "value": the flag's new value (it may be empty)`)
	}
	return req, nil
}

// decodeSetJSON reads one JSON object with the keys "name" and "value",
// token by token: encoding/json alone would take the last of a key given
// twice, a key in another case ("NAME") and ignore what follows the
// object.
func decodeSetJSON(body io.Reader) (SetRequest, error) {
	var req SetRequest
	bad := func(err error) (SetRequest, error) { return req, fmt.Errorf("decoding the JSON body: %w", err) }
	dec := json.NewDecoder(body)
	if tok, err := dec.Token(); err != nil {
		return bad(err)
	} else if tok != json.Delim('{') {
		return bad(errors.New(`want an object {"name": …, "value": …}`))
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		key, _ := tok.(string) // inside an object, the decoder yields keys as strings
		if seen[key] {
			return bad(fmt.Errorf("key %q given twice", shortName(key)))
		}
		seen[key] = true
		switch key {
		case "name":
			err = dec.Decode(&req.Name)
		case "value":
			err = dec.Decode(&req.Value)
		default:
			return bad(fmt.Errorf(`unknown key %q: want "name" and "value"`, shortName(key)))
		}
		if err != nil {
			return bad(fmt.Errorf("%q: %w", key, err))
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("more after the object")
		}
		return bad(fmt.Errorf("data after the object: %w", err))
	}
	return req, nil
}

// decodeSetForm reads the form fields name and value, each exactly once,
// and no other.
func decodeSetForm(r *http.Request) (SetRequest, error) {
	var req SetRequest
	if err := r.ParseMultipartForm(maxSetBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return req, fmt.Errorf("reading the form: %w", err)
	}
	if r.MultipartForm != nil && len(r.MultipartForm.File) > 0 {
		return req, errors.New("the form holds a file: send the fields name and value only")
	}
	for key, vs := range r.PostForm {
		switch {
		case key != "name" && key != "value":
			return req, fmt.Errorf(`unknown form field %q: send the fields name and value only`, shortName(key))
		case len(vs) != 1:
			return req, fmt.Errorf("form field %q given %d times", key, len(vs))
		}
	}
	req.Name = r.PostForm.Get("name")
	if vs, ok := r.PostForm["value"]; ok {
		req.Value = &vs[0]
	}
	return req, nil
}
