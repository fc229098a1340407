package web

import (
	"io"
	"net/http"
)

// settingsJSON is the settings as the API answers them.
type settingsJSON struct {
	Name                      string `json:"name"`
	Description               string `json:"description"`
	TimeZone                  string `json:"time_zone"`
	Language                  string `json:"language"`
	AccentColour              string `json:"accent_colour"`
	LogoType                  string `json:"logo_type,omitempty"`
	Handle                    string `json:"handle"`
	Discoverable              bool   `json:"discoverable"`
	Indexable                 bool   `json:"indexable"`
	ManuallyApprovesFollowers bool   `json:"manually_approves_followers"`
}

// settingsInput is a PUT /settings body. The fediverse fields came later
// and are optional, so clients written before them keep working: absent
// means unchanged. logo_type is accepted, so a client can send back what it
// read, and ignored.
type settingsInput struct {
	Name                      string  `json:"name"`
	Description               string  `json:"description"`
	TimeZone                  string  `json:"time_zone"`
	Language                  string  `json:"language"`
	AccentColour              string  `json:"accent_colour"`
	LogoType                  string  `json:"logo_type"`
	Handle                    *string `json:"handle"`
	Discoverable              *bool   `json:"discoverable"`
	Indexable                 *bool   `json:"indexable"`
	ManuallyApprovesFollowers *bool   `json:"manually_approves_followers"`
}

func (s *Server) apiSettingsGet(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsJSON{
		Name: st.Name, Description: st.Description, TimeZone: st.TimeZone, Language: st.Language,
		AccentColour: st.AccentColour, LogoType: st.LogoType,
		Handle: st.Handle, Discoverable: st.Discoverable, Indexable: st.Indexable,
		ManuallyApprovesFollowers: st.ManuallyApprovesFollowers,
	})
}

func (s *Server) apiSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	var in settingsInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	st.Name, st.Description, st.TimeZone, st.Language, st.AccentColour = in.Name, in.Description, in.TimeZone, in.Language, in.AccentColour
	if in.Handle != nil {
		st.Handle = *in.Handle
	}
	if in.Discoverable != nil {
		st.Discoverable = *in.Discoverable
	}
	if in.Indexable != nil {
		st.Indexable = *in.Indexable
	}
	if in.ManuallyApprovesFollowers != nil {
		st.ManuallyApprovesFollowers = *in.ManuallyApprovesFollowers
	}
	if err := s.svc.UpdateSettings(r.Context(), st); err != nil {
		return err
	}
	return s.apiSettingsGet(w, r)
}

func (s *Server) apiLogoUpdate(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if err := s.svc.UpdateLogo(r.Context(), data, http.DetectContentType(data)); err != nil {
		return err
	}
	return s.apiSettingsGet(w, r)
}

func (s *Server) apiLogoDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.UpdateLogo(r.Context(), nil, ""); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
