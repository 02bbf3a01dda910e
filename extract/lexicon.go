package extract

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"io"
	"strings"
	"sync"
)

//go:generate go run names/gen_lexicons.go ../../shared/data/lexicons names

// names holds the name and outlet lexicons derived from public-domain, CC0 and MIT
// lists; names/README.md says where each file comes from, and names/NOTICE, embedded
// with them so that it travels with every binary, carries the MIT notices.
//
//go:embed names/first.txt.gz names/last.txt.gz names/given.txt.gz names/ambiguous.txt names/titles.txt names/world_given.txt names/ner_given.txt names/things.txt names/outlets.tsv.gz names/NOTICE
var names embed.FS

// Word classes. One map lookup per token gives every class a word belongs to, which
// keeps tagging to a single pass without regular expressions.
const (
	wFirst       uint32 = 1 << iota // a given name
	wLast                           // a surname
	wAmbiguous                      // a given name that is also an ordinary word (Bill, Grant, May)
	wTitle                          // precedes a name: Mr., President, Minister
	wTitleMod                       // precedes a title: Foreign, Deputy, former
	wRole                           // a lowercase noun that introduces a name: spokesman, envoy
	wStop                           // a function word that is capitalized only at a sentence start
	wPlace                          // a country, region or city
	wNationality                    // Iranian, U.S.
	wOrg                            // a word that makes a name an organization: Department, Journal
	wOrgSuffix                      // Inc, Corp, Ltd: the words before it name a company
	wMonth                          // a month or weekday
	wParticle                       // van, de, bin: lowercase inside a name
	wSuffix                         // Jr., III: after a name, not part of its canonical form
	wSpeech                         // said, told: a person speaks
	wThing                          // a lower-case noun after a name of a thing: airport, rebels
	wHead                           // ends the name of a place or organization: Street, Falls, Works
	wGiven                          // a given name and rarely a surname: Paul, James, Kiichi
	wGerman                         // a function word of German, which capitalizes every noun: und, nicht
)

// wNotName marks the classes that rule a capitalized word out as a person's name.
const wNotName = wStop | wPlace | wNationality | wOrg | wOrgSuffix | wMonth

// Hand-written word lists. Names of titles, places and months are facts; the lists
// are kept general (no word was added for one article).
const (
	titleWords = `mr mr. mrs mrs. ms ms. miss mx dr dr. prof prof. sir dame lord lady madam monsieur
	president vice-president president-elect vice-president-elect presidente senator sen sen. rep rep.
	representative congressman congresswoman governor gov gov. governor-elect mayor mayor-elect minister premier
	chancellor secretary secretary-general ambassador judge justice chief general gen gen. admiral adm adm.
	colonel col col. major maj maj. captain capt capt. lieutenant lt lt. sergeant sgt sgt. corporal cpl cpl.
	private pvt commander cmdr marshal brigadier king queen prince princess emperor empress crown pope
	cardinal bishop archbishop reverend rev rev. father rabbi imam sheikh sheik ayatollah mullah emir
	sultan shah pastor deacon professor coach detective inspector officer agent attorney counsel
	chairman chairwoman chairperson ceo speaker envoy commissioner director superintendent sheriff
	councillor councilman councilwoman alderman delegate trustee excellency magistrate baroness baron
	duke duchess earl countess senator-elect lawmaker president-designate prime-minister dutchess
	taoiseach hon hon. esq mme mlle messrs sister mother presidents ministers senators governors
	secretaries chancellors premiers ambassadors generals kings queens princes sens reps leader
	staff rear vice warrant adviser advisor commandant airman seaman specialist spc spc. pfc pfc.
	sfc ssgt msgt mufti shaykh shaikh lcpl cdr cdre spr chair radm vadm ltcol ltgen majgen brig-gen
	lcdr ltcdr cwo wo1 wo2 pte gnr tpr rfn cfn cpo`
	titleModWords = `former ex ex- late acting deputy vice assistant associate senior chief foreign defense defence
	finance interior health trade economy economic justice labor labour energy treasury transport
	transportation education agriculture environment home state prime first grand supreme attorney
	executive managing press national security then incoming outgoing interim federal opposition party
	army navy air general lord lieutenant head special command flight wing squadron class`
	roleWords = `president minister secretary leader general envoy adviser advisor official spokesman
	spokeswoman spokesperson chairman chairwoman chief director coach manager striker midfielder
	defender goalkeeper keeper captain player champion driver rider actor actress singer writer author
	novelist poet artist producer lawyer attorney judge prosecutor senator congressman congresswoman
	governor mayor ambassador diplomat commander colonel officer analyst economist strategist trader
	dealer professor scientist researcher doctor executive founder owner candidate challenger rival
	opponent son daughter wife husband father mother brother sister widow cousin nephew niece friend
	colleague journalist reporter correspondent editor photographer columnist activist dissident
	businessman businesswoman tycoon billionaire millionaire premier chancellor dictator king queen
	prince princess pope cardinal bishop archbishop rabbi imam cleric ayatollah sheikh emir sultan
	lawmaker legislator politician representative delegate negotiator mediator investor banker
	economist spokesperson deputy head boss teammate veteran winner runner-up finalist seed opener
	batsman bowler pitcher quarterback forward guard centre center fullback winger skipper trainer
	jockey cyclist swimmer sprinter golfer boxer wrestler chairperson commissioner inspector detective
	sergeant lieutenant admiral marshal premier-designate successor predecessor counterpart nominee
	student teacher pastor priest monk nun singer-songwriter rapper director-general secretary-general
	president-elect ex-president ex-minister citizen resident victim suspect defendant plaintiff
	witness survivor hostage prisoner detainee pilot commentator presenter host anchor rookie star hero
	legend uncle aunt grandfather grandmother mom dad fellow comrade architect broadcaster painter
	sculptor composer musician guitarist drummer bassist pianist violinist cellist conductor designer
	inventor engineer physician surgeon philosopher historian scholar playwright screenwriter
	filmmaker comedian dancer choreographer chef explorer astronaut entrepreneur industrialist
	philanthropist physicist chemist mathematician biologist astronomer sociologist psychologist
	archaeologist lyricist novelist illustrator cartoonist`
	stopWords = `the a an and or but if in on at to for of from by with without as into onto about after before
	during since until while although though because however still yet also so then thus therefore
	meanwhile moreover furthermore additionally nevertheless nonetheless instead indeed neither nor
	either both each every all any some many much more most few several no not none this that these
	those there here where when what which who whom whose why how it its he she they we i you his her
	their our my your him them us me one two three four five six seven eight nine ten first second
	third last next new former late early other another such only even just according despite unlike
	like including among between through against under over above below within across around near
	beyond toward towards upon via per plus asked says said told added dear hello thanks yes
	okay ok sources source officials photo image video file related read watch click share
	advertisement editor note update updated breaking exclusive opinion analysis report reports
	today yesterday tomorrow tonight now earlier later recently currently once again almost elsewhere
	separately afterwards afterward previously initially ultimately nearby
	perhaps maybe although whether unless whatever whoever wherever overall finally eventually
	similarly likewise otherwise hence consequently accordingly regardless anyway besides
	notably especially particularly specifically generally usually often sometimes never always
	do does did is are was were be been being has have had will would shall should can could may
	might must let lets please thank sorry welcome good great best top big small old young high low
	full half total final free open live top-seeded seeded unseeded results result scores score
	scorers scorer standings table group round quarterfinal semifinal semifinals final match matches
	day week month year years attendance half-time halftime fulltime everyone everybody someone somebody
	anyone anybody nobody everything something anything nothing`
	monthWords = `january february march april may june july august september october november december
	jan jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug. sep sep. sept sept. oct oct. nov nov.
	dec dec. christmas easter ramadan
	eid hanukkah passover diwali thanksgiving kippur nowruz hajj ashura pentecost`
	weekdayWords = `monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
	thurs fri sat sun`
	thingWords = `airport prison jail newspaper daily weekly magazine agency rebels guerrillas guerrilla
	militants organisation organization group company firm bank club side team stadium river
	province district town village region street road avenue hotel hospital university school college
	station port bridge camp county scale disease syndrome award prize trophy campaign
	operation law treaty index shares stock airline airlines brand label studio studios network
	channel programme festival tournament championship race stakes rally cup league
	division movement faction militia ministry department council committee commission court valley
	island islands peninsula mountains desert lake sea gulf bay basin coast border highway motorway
	square park palace castle cathedral church mosque temple museum gallery theatre theater hall
	centre tower building plant factory mine refinery oilfield accord brokerage consortium conglomerate
	city capital suburb neighborhood neighbourhood enclave regime forces fighters troops insurgents
	party scandal mission spacecraft satellite telescope class model models chain equation equations
	theorem conjecture hypothesis paradox principle constant distribution algorithm machine effect`
	// headWords end names of places and organizations: a capitalized run whose last
	// word is one of them ("Dock Street", "Kestrel Falls", "Halden Civil Works",
	// "Harbor Workers") names a thing, whatever the words before it are. Surnames
	// among them (Hall, Park, Court) are let through after a given name, see
	// orgSurnames.
	headWords = `range ranges peaks cay cays rocks glacier glaciers plateau inlet strait straits fjord
	atoll reef reefs lagoon swamp bayou estuary
	street st st. road rd rd. avenue ave ave. lane boulevard blvd drive way highway motorway
	base airbase division battalion platoon fleet unit command squadron
	expressway freeway parkway terrace crescent row place alley square plaza circus mall esplanade
	promenade embankment quay quays wharf pier piers dock docks harbor harbour port marina waterfront
	falls river creek brook stream canal reservoir dam lake lakes bay gulf sea ocean coast
	beach shore island islands peninsula cape valley canyon gorge mountain mountains mount hill hills
	heights ridge forest wood park gardens garden meadow meadows fields moor desert plain plains
	crossing bridge tunnel junction interchange walk trail path station terminal airport airfield
	works workers growers farmers teachers nurses drivers miners builders employees veterans
	residents voters union unions council councils authority authorities board boards court courts
	tribunal department ministry office bureau agency agencies service services commission
	committee assembly parliament senate congress cabinet government administration embassy
	consulate force forces army navy corps brigade regiment police guard militia
	systems inc inc. corp corp. co co. ltd ltd. plc llc llp gmbh ag company companies corporation
	group holdings industries enterprises partners ventures technologies technology solutions
	software labs laboratories network networks media communications telecom airlines airways
	railway railways rail motors energy power utilities mining steel foods brands products
	pharmaceuticals capital bank banks bancorp insurance trust fund funds exchange securities
	association federation foundation institute institution society alliance coalition league
	movement front party club athletic united rovers wanderers albion city town county district
	province region state republic kingdom empire territory municipality borough township village
	parish center centre hall school schools academy university college seminary hospital clinic
	infirmary museum gallery library theatre theater cinema arena stadium ground grounds
	church cathedral chapel mosque synagogue temple abbey palace castle tower towers building
	house hotel inn restaurant cafe market markets festival fair carnival show expo
	championship championships cup games olympics open marathon derby prix trophy awards
	prize gazette herald times post journal tribune chronicle courier ledger wire review
	daily weekly magazine press radio television tv channel news report pro plus mini ultra
	survey affairs telescope bowl zone strip marines breakfast luncheon gala dynasty dynasties caliphate
	sultanate emirate shogunate`
	particleWords = `van von der den de da di del della du le la bin ibn al el dos das ter ten ben bint abu
	mac y e zu af`
	suffixWords = `jr jr. sr sr. ii iii iv phd md esq esq. mp mep msp qc kc obe mbe cbe kbe dbe dso usmc usn ret ret.
	ac ao am csc dsc cvo lvo kcb gcb kcmg cmg`
	orgSuffixWords = `inc inc. corp corp. co co. ltd ltd. plc llc llp lp ag sa nv bv gmbh spa sarl pty bros bros.
	& cos group holdings s.a. n.v. a.g. b.v. s.p.a. oy oyj bhd tbk`
	speechWords = `said says told added wrote argued explained noted stated testified insisted warned
	claimed asked replied responded announced declared acknowledged admitted confirmed denied
	recalled suggested commented conceded predicted urged`
	nationalityWords = `u.s. us u.s u.k. uk u.n. un e.u. eu american americans british english scottish welsh irish
	french german germans italian spanish portuguese dutch belgian swiss austrian swedish norwegian
	danish finnish icelandic polish czech slovak hungarian romanian bulgarian greek turkish russian
	ukrainian belarusian serbian croatian bosnian slovenian albanian macedonian georgian armenian
	azerbaijani iranian iraqi syrian lebanese israeli israelis palestinian palestinians jordanian
	saudi saudis yemeni omani emirati qatari kuwaiti bahraini egyptian libyan tunisian algerian
	moroccan sudanese ethiopian somali kenyan ugandan tanzanian rwandan nigerian ghanaian
	senegalese ivorian cameroonian congolese angolan zambian zimbabwean south african namibian
	afghan pakistani indian bangladeshi sri lankan nepalese chinese japanese korean taiwanese
	vietnamese thai cambodian laotian burmese malaysian singaporean indonesian filipino australian
	zealand canadian mexican cuban haitian dominican guatemalan honduran salvadoran nicaraguan
	costa rican panamanian colombian venezuelan ecuadorian peruvian bolivian chilean argentine
	argentinian uruguayan paraguayan brazilian european asian african arab arabs western eastern
	northern southern latin soviet communist socialist republican republicans democrat democrats
	democratic conservative liberal labour labor muslim muslims jewish catholic
	protestant islamic sunni shiite shia kurdish kurds persian hispanic latino
	catholics christians protestants orthodox hindus buddhists sikhs shiites sunnis alawites
	maronites copts evangelicals mormons tamil tamils sinhalese pashtun pashtuns baluch hutu hutus tutsi tutsis
	uighur uighurs uyghur uyghurs hazara berber berbers bedouin bedouins maori igbo yoruba hausa zulu xhosa
	amhara oromo rohingya kachin khmer yugoslav kazakh uzbek tajik kyrgyz turkmen mongolian nepali tibetan
	chadian malian nigerien burundian eritrean djiboutian liberian guinean mauritanian gambian beninese
	togolese burkinabe malawian mozambican gabonese malagasy mauritian bhutanese maldivian timorese
	fijian samoan tongan kosovar montenegrin moldovan latvian lithuanian estonian maltese cypriot chechen
	dagestani ossetian abkhaz ingush circassian druze alawite baloch sindhi punjabi bengali`
	placeWords = `afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
	bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana
	brazil brunei bulgaria burkina burundi cambodia cameroon canada chad chile china colombia comoros
	congo croatia cuba cyprus czech czechoslovakia denmark djibouti dominica ecuador egypt eritrea
	estonia ethiopia fiji finland france gabon gambia georgia germany ghana greece grenada guatemala
	guinea guyana haiti honduras hungary iceland india indonesia iran iraq ireland israel italy
	jamaica japan jordan kazakhstan kenya kiribati korea kosovo kuwait kyrgyzstan laos latvia lebanon
	lesotho liberia libya liechtenstein lithuania luxembourg macedonia madagascar malawi malaysia
	maldives mali malta mauritania mauritius mexico micronesia moldova monaco mongolia montenegro
	morocco mozambique myanmar burma namibia nauru nepal netherlands holland nicaragua niger nigeria
	norway oman pakistan palau palestine panama paraguay peru philippines poland portugal qatar
	romania russia rwanda samoa senegal serbia seychelles singapore slovakia slovenia somalia spain
	sudan suriname swaziland sweden switzerland syria taiwan tajikistan tanzania thailand togo tonga
	trinidad tobago tunisia turkey turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu
	vatican venezuela vietnam yemen yugoslavia zaire zambia zimbabwe britain england scotland wales
	america europe asia africa antarctica oceania arctic atlantic pacific mediterranean caribbean
	balkans baltic gulf persia tibet kashmir gaza crimea chechnya kurdistan sahara siberia
	alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho
	illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
	mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas
	utah vermont virginia wisconsin wyoming carolina dakota
	washington london paris berlin moscow beijing tokyo rome madrid lisbon vienna brussels amsterdam
	geneva zurich stockholm oslo copenhagen helsinki warsaw prague budapest bucharest sofia athens
	ankara istanbul tehran baghdad damascus beirut amman jerusalem cairo riyadh dubai doha kabul
	islamabad karachi delhi mumbai bombay calcutta kolkata dhaka bangkok hanoi manila jakarta seoul
	pyongyang taipei shanghai hong kong singapore sydney melbourne canberra ottawa toronto montreal
	vancouver chicago boston houston dallas atlanta miami seattle denver phoenix detroit philadelphia
	baltimore brooklyn manhattan bronx york angeles vegas orleans jersey hampshire
	mexico bogota lima caracas havana brasilia rio janeiro buenos aires nairobi lagos
	johannesburg pretoria kinshasa khartoum tripoli tunis algiers rabat kiev kyiv minsk tbilisi
	baku yerevan tashkent almaty belgrade zagreb sarajevo pristina tirana nicosia valletta dublin
	edinburgh glasgow manchester liverpool birmingham leeds frankfurt munich hamburg milan naples
	barcelona seville lyon marseille geneva strasbourg tehran pentagon kremlin wellington auckland
	hollywood silicon wall westminster whitehall downing capitol tel aviv west east north south
	northeast northwest southeast southwest middle central san santa st st. saint sao los las fort port mount
	cape puerto rio ciudad addis kuala dhabi d.c.`
	orgWords = `department ministry house office service services force forces party council committee
	journal times post news herald tribune gazette chronicle telegraph guardian observer independent
	daily weekly monthly magazine press wire radio television tv network channel media
	bank banks inc corporation company companies group university college school academy institute
	foundation fund board exchange market markets airlines airways airline agency association union
	league club united city fc court courts senate congress parliament assembly army navy corps
	commission authority administration cabinet government embassy consulate church mosque temple
	hospital center centre stadium airport station hotel museum cup open championship championships
	games olympics award awards prize act treaty accord holdings industries motors bancorp financial
	capital securities partners energy oil petroleum resources systems technologies technology
	communications telecom records studios pictures entertainment street avenue road square river
	mountain mountains island islands sea ocean lake bay county state states province republic
	kingdom empire federation coalition alliance front movement brigade brigades guard police
	bureau agency reserve treasury pentagon nations organisation organization federal trust
	institution laboratory laboratories labs mining steel chemical chemicals foods products
	electric electronics motor airlines railway railways shipping insurance investment investments
	brothers bros bros. sons images getty associated reuters ap afp upi bloomberg xinhua tass interfax nasdaq
	dow index valley park hall tower building bridge palace castle gate prison jail highway
	council parliament ministry tribunal commission initiative program programme project plan
	report declaration convention conference summit forum festival show series tour awards
	contest orchestra medal medals universiade band choir ensemble ensembles system fellowship
	animation books songs tracks albums singles charts age films productions music architects pharmacy
	fraternity sorority incident riots affair lighthouse subdistrict universe bluffs theory
	world global international national regional limited trading
	cross crescent peace spring revolution war wars battle operation rangers united city athletic
	wanderers rovers county villa hotspur albion dynamo sporting olympique real inter juventus
	team teams sox yankees giants jets bulls lakers stakes rally classic masters trophy prix marathon derby
	invitational tournament grand slam athletics income land
	agreement agreements accords pact pacts protocol charter product products average averages marketing
	rights watch hurricane typhoon cyclone storm tropical hurricanes typhoons cyclones storms
	departments ministries agencies committees councils commissions
	credit banque banco banca societe société compagnie groupe caisse industrie industria sociedad
	compania compañía companhia gesellschaft verlag werke usines nationale generale générale
	instituto institut istituto instytut fundação fundacao fundacion fundación fondation fondazione stiftung
	universidad universidade université universite università universita universität universitat
	partido parti partei partito ministerio ministério ministère ministero ministerium
	base airbase`
	// arabicPlaceWords open Arabic names of places and groups, not of people:
	// Bab al-Sharjee, Ansar al-Islam, Jaish al-Mahdi, Wadi al-Salam.
	arabicPlaceWords = `bab ansar shatt souq suq deir dayr sawt jaish jabhat harakat hizb tahrir beit bayt wadi
	jebel jabal nahr sharm kafr qasr jamaat liwa kataib katibat saraya asaib majlis masjid madinat maktab jund
	ahrar ahl wilayat wilaya markaz tanzim dawlat`
	// The last lines of orgWords are words of French, Spanish, Italian, Portuguese
	// and German names of companies, institutes, universities, parties and
	// ministries (Credit Lyonnais, Airbus Industrie, Instituto Lula).
	// currencyWords end the names of currencies and prices, "N.Z. Dlrs", "Hong
	// Kong Dollar"; the ones that are also common names (Mark, Rand, Yuan,
	// Pound, Sterling, Lira) are left out.
	currencyWords = `dlr dlrs dollar dollars yen francs stg peseta pesetas guilder
	guilders kronor kroner krona krone rupee rupees ringgit baht pesos rouble roubles ruble rubles
	escudo escudos schilling schillings riyal riyals dinar dinars dirham dirhams cruzado cruzados
	cruzeiro cruzeiros australs shekel shekels drachma drachmas ecu ecus euro euros zloty zlotys
	forint forints rupiah naira cedi shilling shillings`
	// eastAsianSurnames open Korean and Chinese names whose given name is written
	// as two syllables joined by a hyphen (Park Geun-hye, Ma Ying-jeou) or, in
	// Pinyin, as one word (Xi Jinping), and Korean and Vietnamese names of three
	// short words (Choe Son Hui, Ho Chi Minh).
	eastAsianSurnames = `kim lee yi park pak choi choe jung chung kang cho jo yoon yun jang chang lim im han oh
	seo suh shin kwon hwang ahn an song yoo yu hong jeon chun ko koh moon mun yang son sohn bae baek paik
	heo huh nam noh roh ha kwak sung cha joo chu woo min ryu na jin ji ban chen lin huang wang li liu zhou
	xu sun ma zhu hu guo he gao luo zheng liang xie tang feng deng cao peng zeng xiao tian dong pan yuan cai
	jiang du ye cheng wei su lu ding ren shen yao tan tsai hsieh chiang soong lien hou tseng wu teng lai
	hsu kuo zhang zhao xi wen mao hua geng qin bo jia kong fang shi meng qiu qian yan shao gu fu fan bai lei
	mo niu qi tao yin zou duan hao qiao shang xiong yue wan ri nguyen tran pham hoang huynh phan vu vo ngo
	duong ho`
	// placePairs are places of two words whose words are also people's names:
	// "Sierra Leone" is no Ms. Leone.
	placePairs = `sierra-leone costa-rica puerto-rico el-salvador san-marino sri-lanka burkina-faso
	cape-verde new-zealand hong-kong saudi-arabia south-africa north-korea south-korea east-timor
	papua-guinea buenos-aires rio-janeiro sao-paulo los-angeles las-vegas santa-fe san-diego
	san-jose san-francisco santo-domingo addis-ababa kuala-lumpur tel-aviv abu-dhabi sierra-nevada
	sierra-madre rocky-mountains
	la-paz san-salvador mexico-city kuwait-city panama-city guatemala-city new-delhi gaza-strip
	west-bank holy-see vatican-city`
	// cityWords add capitals and large cities that the place list above lacks,
	// but not those that are also common given names or surnames (San Jose,
	// Austin, Perth, Medina).
	cityWords = `bonn bern berne hague rotterdam antwerp zurich basle basel turin genoa venice naples palermo
	darfur punjab sindh balochistan baluchistan waziristan khyber dagestan abkhazia ossetia tigray kivu
	aceh mindanao xinjiang sinai anbar diyala kirkuk helmand kunduz fallujah ramadi tikrit idlib aleppo
	homs raqqa daraa benghazi misrata sirte tripoli donetsk luhansk kharkiv kherson mariupol bakhmut
	zaporizhzhia jenin nablus hebron ramallah rafah hodeidah kismayo khartoum omdurman goma bunia
	borno maiduguri kaduna sahel
	lyon toulouse bordeaux lille cologne dusseldorf stuttgart dresden leipzig hanover bremen
	nuremberg gdansk krakow cracow lodz st petersburg leningrad kiev odessa riga tallinn vilnius
	reykjavik bratislava ljubljana skopje podgorica chisinau thessaloniki izmir smyrna alexandria
	casablanca marrakesh dakar abidjan accra lagos abuja harare lusaka luanda maputo kampala kigali
	dodoma mogadishu asmara djibouti sanaa muscat manama jeddah mecca basra mosul tabriz isfahan
	shiraz mashhad herat kandahar peshawar lahore rawalpindi quetta colombo kathmandu thimphu madras
	chennai bangalore hyderabad ahmedabad rangoon yangon mandalay phnom penh vientiane saigon
	haiphong kuala lumpur penang surabaya bandung medan cebu davao osaka kobe kyoto yokohama nagoya
	sapporo fukuoka hiroshima nagasaki okinawa pusan busan inchon incheon taegu daegu guangzhou
	shenzhen tianjin chongqing wuhan nanjing nanking xian harbin dalian macao macau ulan bator
	ulaanbaatar brisbane christchurch calgary edmonton winnipeg anchorage honolulu 
	oakland louisville cincinnati cleveland pittsburgh milwaukee minneapolis omaha tulsa albuquerque
	tucson guadalajara monterrey tijuana managua tegucigalpa nassau port-au-prince medellin quito
	guayaquil asuncion montevideo recife fortaleza manaus curitiba`
)

type lexicon struct {
	words map[string]uint32
	// things holds names/things.txt: names of things that read like people's
	// names (Morgan Stanley, Aston Villa, Pink Floyd), words joined by a space;
	// thingWords is the most words one has.
	things     map[string]bool
	thingWords int
	// eastAsian holds eastAsianSurnames.
	eastAsian map[string]bool
	// placePairs holds the places of two words, as "sierra leone".
	placePairs map[string]bool
	// titleTails holds intlTitleTails.
	titleTails []string
	// outlets maps a web domain (no "www.") to the outlet's name.
	outlets map[string]string
}

// loadLexicon builds the lexicon once per process: decompressing and indexing
// about 60,000 names takes tens of milliseconds, too much to repeat per article.
var loadLexicon = sync.OnceValue(func() *lexicon {
	lx := &lexicon{words: make(map[string]uint32, 70000), outlets: make(map[string]string, 8000)}
	add := func(list string, class uint32) {
		for _, w := range strings.Fields(list) {
			lx.words[w] |= class
		}
	}
	eachEmbedded("names/first.txt.gz", func(w string) { lx.words[w] |= wFirst })
	eachEmbedded("names/last.txt.gz", func(w string) { lx.words[w] |= wLast })
	eachEmbedded("names/given.txt.gz", func(w string) { lx.words[w] |= wGiven })
	eachEmbedded("names/world_given.txt", func(line string) {
		if !strings.HasPrefix(line, "#") {
			add(line, wFirst)
		}
	})
	for w, c := range lx.words {
		if c&(wFirst|wLast) == wFirst {
			lx.words[w] = c | wGiven
		}
	}
	// Given names the annotated corpora show (Harald, Clément, Basavaraj), where
	// the lists above know the word as nothing at all: a surname of theirs
	// (Duff, Wang) stays one.
	eachEmbedded("names/ner_given.txt", func(w string) {
		if !strings.HasPrefix(w, "#") && lx.words[w] == 0 {
			lx.words[w] |= wFirst
		}
	})
	eachEmbedded("names/ambiguous.txt", func(w string) { lx.words[w] |= wAmbiguous })
	eachEmbedded("names/titles.txt", func(w string) {
		if !strings.Contains(w, " ") {
			lx.words[w] |= wTitle
			lx.words[w+"."] |= wTitle
		}
	})
	add(titleWords, wTitle)
	add(titleModWords, wTitleMod)
	add(roleWords, wRole)
	add(stopWords, wStop)
	// Words of ranks that are also surnames ("Chief Petty Officer", "Master
	// Sgt.", Tom Petty) are no name alone, as a stop word is not.
	lx.words["petty"] |= wTitleMod | wStop
	lx.words["master"] |= wTitleMod | wStop
	add(monthWords, wMonth)
	// Weekdays are in the SSA list (a few children are named Wednesday), but in news
	// they are dates; months like May and June stay names too.
	for _, w := range strings.Fields(weekdayWords) {
		lx.words[w] = lx.words[w]&^(wFirst|wLast) | wMonth
	}
	add(thingWords, wThing)
	add(headWords, wHead)
	add(particleWords, wParticle)
	add(suffixWords, wSuffix)
	add(orgSuffixWords, wOrgSuffix)
	add(speechWords, wSpeech)
	add(nationalityWords, wNationality)
	add(placeWords, wPlace)
	add(orgWords, wOrg)
	add(arabicPlaceWords, wOrg)
	add(currencyWords, wHead)
	add(cityWords, wPlace)
	lx.addIntl(intlTitleWords, wTitle, wFirst)
	lx.addIntl(intlStopWords, wStop, wFirst|wLast)
	lx.addIntl(intlNationalityWords, wNationality, wFirst)
	lx.addIntl(intlOrgWords, wOrg, wFirst)
	add(germanWords, wGerman)
	lx.titleTails = strings.Fields(intlTitleTails)
	lx.things = map[string]bool{}
	eachEmbedded("names/things.txt", func(line string) {
		if !strings.HasPrefix(line, "#") {
			lx.things[line] = true
			lx.thingWords = max(lx.thingWords, len(strings.Fields(line)))
		}
	})
	lx.eastAsian = map[string]bool{}
	for _, w := range strings.Fields(eastAsianSurnames) {
		lx.eastAsian[w] = true
	}
	lx.placePairs = map[string]bool{}
	for _, w := range strings.Fields(placePairs) {
		lx.placePairs[strings.ReplaceAll(w, "-", " ")] = true
	}
	eachEmbedded("names/outlets.tsv.gz", func(line string) {
		if domain, name, ok := strings.Cut(line, "\t"); ok {
			lx.outlets[domain] = name
		}
	})
	return lx
})

// eachEmbedded calls fn for each non-empty line of an embedded lexicon file. The
// files are built by names/gen_lexicons.go and checked by the tests, so a read error
// is a build defect and panics rather than being returned from every extraction.
func eachEmbedded(path string, fn func(string)) {
	data, err := names.ReadFile(path)
	if err != nil {
		panic("extract: embedded lexicon: " + err.Error())
	}
	var r io.Reader = bytes.NewReader(data)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			panic("extract: embedded lexicon " + path + ": " + err.Error())
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			fn(line)
		}
	}
	if err := sc.Err(); err != nil {
		panic("extract: embedded lexicon " + path + ": " + err.Error())
	}
}
