package main

import (
	"context"
	"embed"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// The demo hub: a fictional "Hulme Community Hub" in Manchester, with
// places, repeating and one-off events relative to today, guides (one with
// two revisions) and case studies, so a newcomer sees every feature.

//go:embed demo/*.md
var demoFiles embed.FS

func demoText(name string) string {
	b, err := demoFiles.ReadFile("demo/" + name)
	if err != nil {
		panic(err) // embedded above; a missing file is a build mistake
	}
	return string(b)
}

const demoZone = "Europe/London"

func ptr[T any](v T) *T { return &v }

var demoPlaces = []hub.Place{
	{
		Name:          "Hulme Community Centre",
		Description:   "A busy community centre with a main hall, kitchen and garden. Step-free access from the car park; accessible toilet on the ground floor.",
		StreetAddress: "12 Hulme High Street", Locality: "Manchester", PostalCode: "M15 5JS", Country: "United Kingdom",
		Latitude: ptr(53.46676), Longitude: ptr(-2.25012),
	},
	{
		Name:          "Stretford Road Library",
		Description:   "Public library with free wifi, computers and a meeting room upstairs (lift available). Hearing loop at the help desk.",
		StreetAddress: "300 Stretford Road", Locality: "Manchester", PostalCode: "M15 5TQ", Country: "United Kingdom",
		Latitude: ptr(53.46524), Longitude: ptr(-2.25361),
	},
	{
		Name:          "Hulme Park Pavilion Café",
		Description:   "Community-run café at the Royce Road end of Hulme Park. Outdoor seating, baby-changing and bike racks.",
		StreetAddress: "Hulme Park, Royce Road", Locality: "Manchester", PostalCode: "M15 5RG", Country: "United Kingdom",
		Latitude: ptr(53.46402), Longitude: ptr(-2.24851),
	},
	{
		Name:          "Bentley House Tenants' Room",
		Description:   "The ground-floor community room at Bentley House. Ring the buzzer marked \"Tenants' Room\"; step-free from the front entrance.",
		StreetAddress: "Bentley House, Rolls Crescent", Locality: "Manchester", PostalCode: "M15 5FT", Country: "United Kingdom",
		Latitude: ptr(53.46183), Longitude: ptr(-2.24608),
	},
}

var demoTagDescriptions = map[string]string{
	"digital-skills": "Getting online, staying safe and making the most of phones, tablets and computers.",
	"food":           "Food banks, community fridges, pantries and cooking together.",
	"age-friendly":   "Activities and advice suited to older residents.",
	"tenants":        "Organising with neighbours for safe, affordable homes.",
	"volunteering":   "Ways to give a few hours to a local group.",
	"health":         "Keeping well, in body and mind.",
	"families":       "Things to do with children and support for parents and carers.",
	"climate":        "Cutting waste and energy bills, and greening the neighbourhood.",
}

// seedDemo adds the demo content when the hub has no events, guides or
// case studies yet, reporting whether it did. Acting as the host is needed.
func seedDemo(ctx context.Context, svc *hub.Service, now time.Time) (bool, error) {
	_, nEvents, err := svc.ListEvents(ctx, hub.EventFilter{Limit: 1})
	if err != nil {
		return false, err
	}
	_, nGuides, err := svc.ListGuides(ctx, hub.GuideFilter{Limit: 1})
	if err != nil {
		return false, err
	}
	_, nStudies, err := svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Limit: 1})
	if err != nil {
		return false, err
	}
	if nEvents+nGuides+nStudies > 0 {
		return false, nil
	}

	st, err := svc.Settings(ctx)
	if err != nil {
		return false, err
	}
	if st.Name == hub.DefaultSettings().Name {
		st.Name = "Hulme Community Hub"
		st.Handle = "hulme"
		st.Description = "What's on in Hulme, Manchester: digital drop-ins, food sharing, tenants' organising and more, with guides and stories from local groups. Everyone welcome."
		st.TimeZone = demoZone
		st.Language = "en-GB"
		if err := svc.UpdateSettings(ctx, st); err != nil {
			return false, err
		}
	}

	places := map[string]*hub.Place{}
	for _, p := range demoPlaces {
		p := p
		if existing, err := svc.PlaceBySlug(ctx, hub.Slugify(p.Name)); err == nil {
			places[p.Name] = existing
			continue
		}
		if err := svc.CreatePlace(ctx, &p); err != nil {
			return false, err
		}
		places[p.Name] = &p
	}

	evs := demoEvents(now, places)
	for _, ev := range evs {
		if err := svc.CreateEvent(ctx, ev); err != nil {
			return false, err
		}
	}
	// The drop-in's next date but one is off, and readers are told why.
	if next := evs[0].NextOccurrences(now, 2); len(next) == 2 {
		if err := svc.SetEventStatus(ctx, evs[0].ID, next[1].Date(), hub.StatusCancelled, "the volunteers are at a training day"); err != nil {
			return false, err
		}
	}
	if err := seedDemoPictures(ctx, svc, evs[0]); err != nil {
		return false, err
	}
	if err := seedDemoGuides(ctx, svc); err != nil {
		return false, err
	}
	for _, c := range demoCaseStudies(places) {
		if err := svc.CreateCaseStudy(ctx, c); err != nil {
			return false, err
		}
	}
	for slug, description := range demoTagDescriptions {
		t, err := svc.TagBySlug(ctx, slug)
		if err != nil {
			return false, err
		}
		t.Description = description
		if err := svc.UpdateTag(ctx, t); err != nil {
			return false, err
		}
	}
	return true, nil
}

// demoEvents returns events around now: series that started a few weeks
// ago and carry on, and one-off events in the coming weeks.
func demoEvents(now time.Time, places map[string]*hub.Place) []*hub.Event {
	loc, err := time.LoadLocation(demoZone)
	if err != nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	// on returns the first date on or after from that falls on wd.
	on := func(from time.Time, wd time.Weekday) time.Time {
		return from.AddDate(0, 0, (int(wd)-int(from.Weekday())+7)%7)
	}
	at := func(day time.Time, hour, minute int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, loc)
	}
	place := func(name string) (int64, *hub.Place) {
		p := places[name]
		return p.ID, p
	}
	event := func(title string, start, end time.Time, placeName string) *hub.Event {
		ev := &hub.Event{Title: title, TimeZone: demoZone, Start: start, End: end}
		if placeName != "" {
			ev.PlaceID, ev.Place = place(placeName)
		}
		return ev
	}

	dropInStart := on(today.AddDate(0, 0, -21), time.Tuesday)
	dropIn := event("Digital drop-in", at(dropInStart, 10, 0), at(dropInStart, 12, 0), "Stretford Road Library")
	dropIn.Recurrence = "FREQ=WEEKLY;BYDAY=TU"
	// The library is closed for staff training on the third Tuesday from now.
	dropIn.Exceptions = []string{on(today, time.Tuesday).AddDate(0, 0, 14).Format("2006-01-02")}
	dropIn.Tags = []string{"Digital skills", "Age friendly"}
	dropIn.Organiser = "Hulme Digital Buddies"
	dropIn.Accessibility = "Meeting room upstairs, reached by a lift. Hearing loop available. Loan tablets for anyone without a device."
	dropIn.Description = `Bring your phone, tablet or laptop, or borrow one of ours, and get friendly, patient help with whatever you want to do online:

- setting up email and passwords
- booking GP appointments and repeat prescriptions
- video calls with family
- spotting scam texts and emails

No need to book: just turn up. Tea and biscuits provided.`

	firstThursday := on(time.Date(y, m, 1, 0, 0, 0, 0, loc), time.Thursday)
	tenants := event("Tenants' union meeting", at(firstThursday, 18, 30), at(firstThursday, 20, 0), "Bentley House Tenants' Room")
	tenants.Recurrence = "FREQ=MONTHLY;BYDAY=1TH"
	tenants.Tags = []string{"Tenants"}
	tenants.Organiser = "Bentley House Tenants' Union"
	tenants.Description = "Our monthly open meeting. Hear how the repairs campaign is going, raise problems in your flat and plan what we do next. Every tenant in Hulme is welcome, whether or not you are a member. Children welcome; there is a play corner."

	funDay := on(today.AddDate(0, 0, 35), time.Saturday)
	fun := event("Community fun day", funDay, funDay.AddDate(0, 0, 1), "Hulme Park Pavilion Café")
	fun.AllDay = true
	fun.Tags = []string{"Families", "Health"}
	fun.Organiser = "Friends of Hulme Park"
	fun.Accessibility = "Flat paths throughout the park; accessible toilet in the pavilion. A quiet tent for anyone who needs a break."
	fun.Description = `A free day out for all ages in Hulme Park:

- bouncy castle, face painting and a treasure trail
- free health checks from the community nurses
- stalls from local groups: find out what is on near you
- food from the Hulme Food Network kitchen, pay what you can

Come for an hour or stay all day.`

	callsDay := on(today.AddDate(0, 0, 8), time.Wednesday)
	calls := event("Getting online with confidence: video calls", at(callsDay, 14, 0), at(callsDay, 15, 0), "")
	calls.OnlineURL = "https://meet.jit.si/hulme-hub-video-calls"
	calls.Tags = []string{"Digital skills", "Age friendly"}
	calls.Organiser = "Hulme Digital Buddies"
	calls.Accessibility = "Online. Join by phone or computer; live captions on. Call the library the day before if you would like a practice run."
	calls.Description = "A gentle, hands-on online session for beginners: how to join a video call from a link, mute and unmute, and turn your camera on and off. See our guide [Getting started with video calls](/guides/getting-started-with-video-calls) to prepare."

	foodBankStart := on(today.AddDate(0, 0, -14), time.Saturday)
	foodBank := event("Food bank volunteering session", at(foodBankStart, 9, 30), at(foodBankStart, 12, 30), "Hulme Community Centre")
	foodBank.Recurrence = "FREQ=WEEKLY;BYDAY=SA"
	foodBank.Tags = []string{"Food", "Volunteering"}
	foodBank.Organiser = "Hulme Food Network"
	foodBank.BookingURL = "https://example.org/hulme-food-network/volunteer"
	foodBank.Accessibility = "Sorting tables at sitting and standing height. Let us know if you need a seated role."
	foodBank.Description = "Help sort donations, pack parcels and welcome visitors. No experience needed; we will show you everything on the day. Please book so we know how many to expect."

	repairStart := on(today.AddDate(0, 0, -30), time.Sunday)
	repair := event("Repair café", at(repairStart, 13, 0), at(repairStart, 16, 0), "Hulme Community Centre")
	repair.Recurrence = "FREQ=MONTHLY;BYDAY=-1SU"
	repair.Tags = []string{"Climate", "Volunteering"}
	repair.Organiser = "Hulme Repair Café"
	repair.Description = "Bring broken toasters, torn jeans, wobbly chairs and bikes with flat tyres. Volunteer fixers will help you repair them, for free. Last items accepted at 15:30."

	walkStart := on(today.AddDate(0, 0, -7), time.Wednesday)
	walk := event("Walk and talk in Hulme Park", at(walkStart, 11, 0), at(walkStart, 12, 0), "Hulme Park Pavilion Café")
	walk.Recurrence = "FREQ=WEEKLY;BYDAY=WE"
	walk.Tags = []string{"Health", "Age friendly"}
	walk.Organiser = "Hulme Community Centre"
	walk.Accessibility = "A slow, flat, 30-minute loop with benches along the way. Wheelchair users and walking frames welcome."
	walk.Description = "Meet at the café for a gentle walk around the park, then a cuppa. A good way to meet neighbours."

	climateDay := on(today.AddDate(0, 0, 20), time.Thursday)
	climate := event("Climate action evening: cutting energy bills", at(climateDay, 19, 0), at(climateDay, 21, 0), "Hulme Community Centre")
	climate.Tags = []string{"Climate", "Tenants"}
	climate.Organiser = "Hulme Climate Group"
	climate.BookingURL = "https://example.org/hulme-climate/energy-evening"
	climate.Description = "Practical tips to keep warm for less, what your landlord must do about insulation and damp, and how to get free energy advice. Free draught-proofing kits for the first 40 households."

	return []*hub.Event{dropIn, tenants, fun, calls, foodBank, repair, walk, climate}
}

func seedDemoGuides(ctx context.Context, svc *hub.Service) error {
	dropIn := &hub.Guide{
		Title:   "Running a digital drop-in session",
		Summary: "How we run a free weekly drop-in where volunteers help neighbours with phones, tablets and laptops: venue, volunteers, safeguarding and what to bring.",
		Body:    demoText("digital-drop-in-v1.md"),
		Tags:    []string{"Digital skills", "Volunteering", "Age friendly"},
	}
	if err := svc.CreateGuide(ctx, dropIn); err != nil {
		return err
	}
	dropIn.Body += demoText("digital-drop-in-v2-extra.md")
	if err := svc.UpdateGuideWithNote(ctx, dropIn, "Added a section on what to do after the session"); err != nil {
		return err
	}
	for _, g := range []*hub.Guide{
		{
			Title:   "Setting up a community fridge",
			Summary: "Everything we learnt opening a community fridge: registering with the council, food hygiene, finding surplus food and the daily checks.",
			Body:    demoText("community-fridge.md"),
			Tags:    []string{"Food", "Climate", "Volunteering"},
		},
		{
			Title:   "Getting started with video calls",
			Summary: "A step-by-step guide to your first video call: what you need, which app to use, joining from a link and what to do when it goes wrong.",
			Body:    demoText("video-calls.md"),
			Tags:    []string{"Digital skills", "Age friendly"},
		},
	} {
		if err := svc.CreateGuide(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

func demoCaseStudies(places map[string]*hub.Place) []*hub.CaseStudy {
	library := places["Stretford Road Library"]
	centre := places["Hulme Community Centre"]
	tenantsRoom := places["Bentley House Tenants' Room"]
	return []*hub.CaseStudy{
		{
			Title:        "Lending tablets to older residents who were cut off",
			Summary:      "A tablet loan scheme with weekly volunteer support got 38 isolated older residents online in a year; most now video-call family every week.",
			Organisation: "Hulme Digital Buddies",
			PlaceID:      library.ID,
			Tags:         []string{"Digital skills", "Age friendly", "Health"},
			Contact:      "digitalbuddies@example.org",
			Problem:      "Many older residents in Hulme had no device and no internet at home. During winter some went weeks without seeing anyone, and GP surgeries were moving appointments online.",
			Approach:     "We bought 20 refurbished tablets with a small grant, set them up with large text and just a few apps, and lent them for three months at a time. Each borrower was paired with a volunteer \"buddy\" who visited or phoned weekly, and everyone was invited to the Tuesday drop-in.",
			Tools:        "- Refurbished Android tablets with a simple launcher\n- Data-only SIM cards from the [National Databank](https://www.goodthingsfoundation.org/national-databank/)\n- A shared spreadsheet to track loans and buddy visits\n- Printed how-to cards",
			Outcome:      "38 people borrowed a tablet in the first year; 31 bought or were given their own device afterwards. 26 told us they now video-call family at least weekly, and the library saw more older people at other events too.",
			Lessons:      "Start the buddy pairing *before* handing over the tablet: people who had met their buddy first kept going. Budget for replacement chargers; we lost a lot of them. And keep the setup simple: every extra app was another thing to get confused by.",
		},
		{
			Title:        "Turning a food bank into a community pantry",
			Summary:      "Moving from emergency parcels to a membership pantry where people choose their own food cut waste, raised volunteer numbers and reduced stigma.",
			Organisation: "Hulme Food Network",
			PlaceID:      centre.ID,
			Tags:         []string{"Food", "Volunteering"},
			Contact:      "https://example.org/hulme-food-network",
			Problem:      "Our food bank needed referral vouchers, gave out fixed parcels that often went to waste, and many people told us they felt ashamed to come. Volunteer numbers were falling.",
			Approach:     "We opened a pantry alongside the food bank: members pay £4 a week and choose about £20 worth of food from the shelves, including fresh fruit, vegetables and chilled food from local surplus. Anyone living in Hulme can join; emergency parcels continue for people in crisis.",
			Tools:        "- Surplus food from FareShare and two local supermarkets\n- A second-hand chiller cabinet\n- A simple membership card and a tally sheet\n- WhatsApp group for the volunteer rota",
			Outcome:      "Within six months we had 140 members, food waste was down by about half, and the number of regular volunteers went from 8 to 22, many of them members themselves.",
			Lessons:      "Involve members in running the pantry from the start; they know what food people want. We under-estimated how much fridge space fresh surplus needs, and should have asked the council's environmental health team for advice sooner.",
		},
		{
			Title:        "Winning repairs through a tenants' union",
			Summary:      "Tenants in one block organised together, documented damp and mould in 60 flats, and got their landlord to agree a repairs plan with deadlines.",
			Organisation: "Bentley House Tenants' Union",
			PlaceID:      tenantsRoom.ID,
			Tags:         []string{"Tenants", "Health"},
			Contact:      "bentleyhousetenants@example.org",
			Problem:      "Damp and black mould were common across Bentley House. Individual complaints were lost or ignored for months, and several families with young children had breathing problems.",
			Approach:     "We knocked on every door, ran a survey of conditions, and collected dated photographs. We held monthly open meetings, elected a small committee, and presented the evidence to the housing association together, with our councillor present.",
			Tools:        "- A paper and online survey\n- A shared photo folder with a simple naming scheme (flat number and date)\n- Template complaint letters\n- Advice from [Shelter](https://england.shelter.org.uk/) and a local law centre",
			Outcome:      "The landlord agreed a written repairs plan covering 60 flats, with deadlines, and a quarterly meeting with the union. Two-thirds of the repairs were done within six months, and membership grew to over 100 households.",
			Lessons:      "Evidence collected by tenants together is much harder to ignore than one complaint. We should have recorded every contact with the landlord from day one. And keep meetings short, with childcare and translation: more people came once we did.",
		},
	}
}
