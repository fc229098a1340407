package web

import (
	"io"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub/apijson"
)

func (s *Server) apiSettingsGet(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, apijson.Encoder{}.Settings(&st))
}

func (s *Server) apiSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	var in apijson.SettingsInput
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
	if in.Area != nil {
		st.Area = in.Area.Hub()
	}
	if in.AnswersNetworkSearch != nil {
		st.AnswersNetworkSearch = *in.AnswersNetworkSearch
	}
	if in.EmbedOrigins != nil {
		st.EmbedOrigins = *in.EmbedOrigins
	}
	if err := s.svc.UpdateSettings(r.Context(), st); err != nil {
		return err
	}
	s.forgetHubLanguage()
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
	return noContent(w, s.svc.UpdateLogo(r.Context(), nil, ""))
}
