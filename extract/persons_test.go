package extract

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExtractPersons(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{
			name: "title and possessive resolve to the full name",
			text: "President Trump said on Monday. Later, President-elect Donald Trump's aides met Mr. Trump.",
			want: []string{"Donald Trump"},
		},
		{
			name: "a run listed with a party, or followed by its acronym, names a body",
			text: "The Democratic Unionist Party and Sinn Féin formed a government. Fine Gael and the Labour Party agreed, said Enda Kenny. The party merged with Forza Italia (FI) in 2009.",
			want: []string{"Enda Kenny"},
		},
		{
			name: "a person listed with a party is still a person",
			text: "Jeremy Corbyn and the Labour Party lost the vote. The Conservative Party and Theresa May won it.",
			want: []string{"Jeremy Corbyn", "Theresa May"},
		},
		{
			name: "a monarch's numeral without a title",
			text: "Henry IV of France converted to Catholicism. John Paul II visited Poland in 1979. Malcolm X spoke in Harlem. Elizabeth I of England never married.",
			want: []string{"Henry IV", "John Paul II", "Malcolm X", "Elizabeth I"},
		},
		{
			name: "awards, contests, bands and eponymous terms are no one",
			text: "The song won the Eurovision Song Contest and the Academy Award for Best Original Song. Depeche Mode keyboardist Andy Fletcher used a Hidden Markov model. Sinn Féin, the largest nationalist party, won. He received the Copley Medal, said Mary Shelley.",
			want: []string{"Andy Fletcher", "Mary Shelley"},
		},
		{
			name: "an apposition with a noun of bodies after a function word is no body",
			text: "Kim Jong-un, the head of state, spoke. Lisa Brennan, the party's leader, agreed.",
			want: []string{"Kim Jong-un", "Lisa Brennan"},
		},
		{
			name: "names no lexicon knows, shown by a title before a comma or by what the person was",
			text: "Japan's Foreign Minister, Nobutaka Machimura, arrived on Monday. Dharmeratnam Sivaram was a senior columnist for the website. Timex is a major producer of watches and a leader in its market.",
			want: []string{"Nobutaka Machimura", "Dharmeratnam Sivaram"},
		},
		{
			name: "an adjective made with a hyphen from a name is no part of one",
			text: "Oscar-winning Tom Hanks arrived. London-born Sadiq Khan spoke. He was a Jack Adams-winning coach. The Marine Band played; Tor Books published it, and it reached the Rock Songs chart.",
			want: []string{"Tom Hanks", "Sadiq Khan"},
		},
		{
			name: "an occupation before one word shows a person known by one name; a relative does not",
			text: "The tour was by Barbadian recording artist Rihanna. His wife Mary was not there. The broadcaster Peter Jones spoke, and the architect Hjalmar Welhaven listened.",
			want: []string{"Rihanna", "Peter Jones", "Hjalmar Welhaven"},
		},
		{
			name: "a name listed after others with a comma and \"and\"",
			text: "He has ties with scholars such as Alexander Rondeli, Temuri Yakobashvili, and Archil Gegeshidze.",
			want: []string{"Alexander Rondeli", "Temuri Yakobashvili", "Archil Gegeshidze"},
		},
		{
			name: "a month's abbreviation before a surname the text shows to be someone's is a given name",
			text: "“It was seen as rote,” said Mar Hicks, a historian at the Illinois Institute of Technology. The U.N. said Wednesday Banderas will work on it.",
			want: []string{"Mar Hicks", "Banderas"}, // not "Wednesday Banderas"
		},
		{
			name: "a faith alone is no surname; parties and legislatures that read like names are no one",
			text: "Kazi Nazrul Islam wrote poems. He converted to Islam in 1990. Fianna Fáil and Shin Bet officials met in the Lok Sabha.",
			want: []string{"Kazi Nazrul Islam"},
		},
		{
			name: "a pope under his title and given names is the pope with his numeral, in either order",
			text: "Pope John Paul had been ill. Pope John Paul II died in 2005. Pope Benedict XVI succeeded him; Pope Benedict chose the name himself.",
			want: []string{"John Paul II", "Benedict XVI"},
		},
		{
			name: "the end of a body's name after \"of\", an award's category, a magazine",
			text: "The National Association for the Advancement of Colored People sued. She won Top Female Vocalist and wrote for Rolling Stone. He translated The Complete Plays of Jean Racine.",
			want: []string{"Jean Racine"},
		},
		{
			name: "military ranks written without periods are titles",
			text: "Lt Col James Sutherland said so. RAdm Jerry Kyd and WO2 Michael Brown agreed; Pte Tom Wilson and LCpl Sarah Holt were hurt.",
			want: []string{"James Sutherland", "Jerry Kyd", "Michael Brown", "Tom Wilson", "Sarah Holt"},
		},
		{
			name: "a noun of bodies before a run makes it a body, wherever else the text names it",
			text: "The Palestinian militant organisation Hamas has announced an end to rocket attacks. Mahmoud Zahar, Hamas's leader, declared the cease fire. Hamas remains targeted, said Khader Habib. The rock band Pink Floyd played.",
			want: []string{"Mahmoud Zahar", "Khader Habib"},
		},
		{
			name: "a title of office for a place stands before a name, not a place before a thing",
			text: "Governor of Oregon Mark Hatfield opposed the war. Shares of Texas Instruments rose.",
			want: []string{"Mark Hatfield"},
		},
		{
			name: "a name before an adjective's hyphen repeats a person the text names, and no more",
			text: "Donald Trump spoke. The Trump-backed candidate won. A Hamas-led government formed. The Gore-backed bill failed.",
			want: []string{"Donald Trump"},
		},
		{
			name: "a title that is a common surname, after a title of address, is the surname",
			text: "Minister Bishop said Australia would help. Senator King objected, and Mr Major agreed. The Lord Bishop of London preached; Sergeant Major Tom Smith shouted.",
			want: []string{"Bishop", "King", "Major", "Tom Smith"},
		},
		{
			name: "a credit line ends with its verb; an adverb opening a sentence is no one",
			text: "Amy Katz Narrates\nElsewhere, rebels attacked a convoy. Separately, police arrested two men.",
			want: []string{"Amy Katz"},
		},
		{
			name: "regions and cities of the world's conflicts are places",
			text: "Darfur rebels met in Khartoum. Fighting spread from Idlib to Aleppo, said Ahmed Rashid. Kherson and Zaporizhzhia were shelled.",
			want: []string{"Ahmed Rashid"},
		},
		{
			name: "a run after a noun of works is a title",
			text: "The film Rocky IV was released in 1985. His 1985 novel White Noise won an award, and Don DeLillo said little. In the film Tom Hanks plays a lawyer; the song Taylor Swift wrote topped the charts.",
			want: []string{"Don DeLillo", "Tom Hanks", "Taylor Swift"},
		},
		{
			name: "surname with honorific and no full name stays a surname",
			text: "The plan was backed by Mr. Pezeshkian, officials said.",
			want: []string{"Pezeshkian"},
		},
		{
			name: "surname without evidence is dropped",
			text: "The Biden administration said it would respond.",
			want: nil,
		},
		{
			name: "said Smith is evidence",
			text: "\"We will not back down,\" said Smith, adding that talks would resume.",
			want: []string{"Smith"},
		},
		{
			name: "organizations and places are not people",
			text: "The Wall Street Journal reported that the White House and the Justice Department met in the Oval Office with the Secret Service and the Quds Force in Washington.",
			want: nil,
		},
		{
			name: "titles and role nouns are dropped from the name",
			text: "Foreign Minister Abbas Araghchi met U.S. envoy Brian Hook and Iran's supreme leader, Ali Khamenei.",
			want: []string{"Abbas Araghchi", "Brian Hook", "Ali Khamenei"},
		},
		{
			name: "places named by their kind",
			text: "In the northern city of Tal Afar, a car bomb exploded. Troops moved near Musa Qala, a town in southern Helmand. Marchers filled La Paz on Tuesday.",
			want: nil,
		},
		{
			name: "things after a name and groups of believers",
			text: "That Abu Ghraib scandal grew. Communist Khmer Rouge forces took Phnom Penh. Roman Catholics and Orthodox Christians marked Easter and Muslims marked Eid al-Fitr. The U.S. Geological Survey measured the quake. Hurricanes Katrina and Rita hit the coast.",
			want: nil,
		},
		{
			name: "a person after the party or regime of",
			text: "Fighting broke out between Hamas and the rival Fatah party of President Mahmoud Abbas, years after the regime of Saddam Hussein fell.",
			want: []string{"Mahmoud Abbas", "Saddam Hussein"},
		},
		{
			name: "given names of many cultures, without a title",
			text: "The report was written with help from Hiroshi Watanabe. The talks between Moon Jae-in and Park Geun-hye ended; Ma Ying-jeou spoke. Hong Kong-based traders sold. The plan drew support from Nouri al-Maliki and Shehbaz Sharif. The contract went to Rajesh Kumar and Tendai Moyo, not Dilma Rousseff or Bola Tinubu.",
			want: []string{"Hiroshi Watanabe", "Moon Jae-in", "Park Geun-hye", "Ma Ying-jeou", "Nouri al-Maliki", "Shehbaz Sharif", "Rajesh Kumar", "Tendai Moyo", "Dilma Rousseff", "Bola Tinubu"},
		},
		{
			name: "clubs, firms, bands, awards, products and works that read like names",
			text: "Aston Villa beat Crystal Palace and Bayern Munich host Borussia Dortmund. Shares of Morgan Stanley fell. Pink Floyd reissued an album. The Golden Globe went to Lily Gladstone. Sales of the Tesla Model Y fell. Killers of the Flower Moon won nothing. Max Verstappen drives for Red Bull.",
			want: []string{"Lily Gladstone", "Max Verstappen"},
		},
		{
			name: "words that open sentences or paragraphs, glued words, units",
			text: "A radiologist dismissed the X-ray. Concerned, his family doctor called the clinic.\nThe recovery was started by his father\nConcrete information on why whales strand remains elusive. The console runs games in 4K. Everyone else may wait. It renders in 1080p. Personally, I preferred it. By LucasNolan.",
			want: nil,
		},
		{
			name: "a name glued to its byline verb; a word before a plural verb names a group",
			text: "Related: Rich are paying more in taxes.\nIn the podcast, Alexis Madrigalreports on the port. Foretold by many, it came. Smith and Jones are partners, Mr. Smith said.",
			want: []string{"Alexis Madrigal", "Smith"},
		},
		{
			name: "a capitalized Leader is a title; institutes in other languages; a surname without al-",
			text: "Opposition Leader Bill Shorten spoke. The Instituto Lula said it would appeal. The court charged Sudan's president, Omar Hassan al-Bashir. Officials said Mr. Bashir must answer.",
			want: []string{"Bill Shorten", "Omar Hassan al-Bashir"},
		},
		{
			name: "quoted titles, things counted with a, the name of a place with the",
			text: "Songs had titles such as “You Loved Me Like a Distant Star”. In her book “A Paradise Built in Hell: The Extraordinary Communities that Arise in Disaster,” Rebecca Solnit wrote of it. It costs as much as a used Ford Focus. She won a Margaret Hamilton Lego minifigure. The discovery lit the Moulin Rouge in Paris. “I met John Smith at the harbor,” she said.",
			want: []string{"Rebecca Solnit", "John Smith"},
		},
		{
			name: "a headline in title case names no one the body does not",
			text: "Yahoo’s Sale to Verizon Leaves Shareholders With Little Say\nYahoo shareholders vote on the sale of the core business to Verizon on Thursday, and the deal leaves them few options. Marissa Mayer, the chief executive, said the company would carry on. Analysts were divided.",
			want: []string{"Marissa Mayer"},
		},
		{
			name: "kunya",
			text: "Maj. Gen. William Caldwell said the raid killed Abu Ayyub al-Masri. Officials in Abu Dhabi and the Abu Sayyaf group were silent.",
			want: []string{"William Caldwell", "Abu Ayyub al-Masri"},
		},
		{
			name: "a kunya opens a name before a known given name, at a sentence start too",
			text: "Abu Mohammad al-Julani heads the group. Coalition forces killed Abu Omar al-Shishani.",
			want: []string{"Abu Mohammad al-Julani", "Abu Omar al-Shishani"},
		},
		{
			name: "Sheikh after a given name is a word of the name",
			text: "Somali President Hassan Sheikh Mohamud met Sheikh Sharif Sheikh Ahmed.",
			want: []string{"Hassan Sheikh Mohamud", "Sharif Sheikh Ahmed"},
		},
		{
			name: "a cleric's title or a name with bin does not join a full name",
			text: "Mullah Mohammad Omar founded the movement. Saudi Crown Prince Mohammed bin Salman met Pope John Paul.",
			want: []string{"Mohammad Omar", "Mohammed bin Salman", "Pope John Paul"},
		},
		{
			name: "a group's leader, spokesman or commander names the group before the noun",
			text: "Nigeria's President Muhammadu Buhari said Boko Haram leader Abubakar Shekau was cornered. Falun Gong members protested. A senior Hurras al-Din official died; Hurras al-Din is an al-Qaeda affiliate. Bill Clinton spokesman Joe Lockhart spoke, as did Clinton aide Ann Lewis.",
			want: []string{"Muhammadu Buhari", "Abubakar Shekau", "Bill Clinton", "Joe Lockhart", "Ann Lewis"},
		},
		{
			name: "a Chinese surname before a given name of Pinyin syllables, also one that is an English word",
			text: "Xi Jinping met Li Keqiang. Sun Yat-sen founded the party. He Yafei spoke. Hong Kong traders sold.",
			want: []string{"Xi Jinping", "Li Keqiang", "Sun Yat-sen", "He Yafei"},
		},
		{
			name: "military ranks and their modifiers are not names",
			text: "Staff Sgt. Robert Bales and Rear Adm. John Kirby met Chief Petty Officer Edward Byers and Tom Petty, Master Sgt. Jared Van Aalst, Vice Adm. Kevin Donegan and Warrant Officer Class 2 Michael Smith. LCpl Joshua Leakey met Wg Cdr Linc Taylor and Spr Ishwor Gurung. Gen. Joseph Dunford, Chairman of the Joint Chiefs of Staff, met Ajit Doval, India's National Security Adviser, and Senior Airman Brian Kolfage.",
			want: []string{"Robert Bales", "John Kirby", "Edward Byers", "Tom Petty", "Jared Van Aalst", "Kevin Donegan", "Michael Smith", "Joshua Leakey", "Linc Taylor", "Ishwor Gurung", "Joseph Dunford", "Ajit Doval", "Brian Kolfage"},
		},
		{
			name: "a given name after the name of an office starts the name; al-Ahmad starts none; Shah inside a name",
			text: "Assistant Secretary for European and Eurasian Affairs Victoria Nuland met Minister for the Armed Forces Penny Mordaunt. Emir Sheikh Sabah al-Ahmad al-Jaber al-Sabah mediated. Commander Ahmad Shah Massoud was killed.",
			want: []string{"Victoria Nuland", "Penny Mordaunt", "Sabah al-Ahmad al-Jaber al-Sabah", "Ahmad Shah Massoud"},
		},
		{
			name: "a life told as encyclopedias tell it shows a person: a lifespan, died, was sworn in, is a politician",
			text: "Gulbuddin Hekmatyar is an Afghan politician. Dag Hammarskjold died in 1961. Abdul Rashid Dostum (born 25 March 1954) met Jim Hollis. Haibatullah Akhundzada (Pashto: هبت الله اخوندزاده; born 1961) leads. Hifikepunye Pohamba was sworn in Monday. Prachanda became Prime Minister of Nepal.",
			want: []string{"Gulbuddin Hekmatyar", "Dag Hammarskjold", "Abdul Rashid Dostum", "Jim Hollis", "Haibatullah Akhundzada", "Hifikepunye Pohamba", "Prachanda"},
		},
		{
			name: "not a life: counts of people, places, firms, groups",
			text: "At least 114 Somalis died. A woman from Fayyum died. Hundreds died in the attack. Timex is a major U.S. producer of watches. Hamas is sworn to Israel's destruction. Anuradhapura ( kingdom from 377 BC to 1017 ) grew. Corruption is a major problem.",
			want: nil,
		},
		{
			name: "an unknown given name before a known one opens the name; English words before a name do not",
			text: "Top aide Izzat Ibrahim al-Douri is dead. Former Iraqi President Abdel Rahman Aref died. Spaniard Carlos Moya, Incumbent Alexander Lukashenko and Yugoslav Dejan Stefanovic met. The head of the Office on Drugs and Crime Antonio Maria Costa met Under Secretary for Policy Colin Kahl.",
			want: []string{"Izzat Ibrahim al-Douri", "Abdel Rahman Aref", "Carlos Moya", "Alexander Lukashenko", "Dejan Stefanovic", "Antonio Maria Costa", "Colin Kahl"},
		},
		{
			name: "honours after a name; a role that introduces the next name; a group's possessive",
			text: "Tobias Ellwood MP met Gavin Williamson MP. During the Siege of Kobani, YPG commander Narin Afrin led the defence. Jaish al-Islam's leader Zahran Alloush was killed. Ilyas Kashmiri was killed in Waziristan; another Marine was killed.",
			want: []string{"Tobias Ellwood", "Gavin Williamson", "Narin Afrin", "Zahran Alloush", "Ilyas Kashmiri"},
		},
		{
			name: "Korean and Vietnamese names of three syllables; a kunya with a macron",
			text: "Choe Son Hui met Ri Yong Ho. Ho Chi Minh led the Viet Minh, long before Ho Chi Minh City grew. Abū Bakr al-Baghdādī spoke.",
			want: []string{"Choe Son Hui", "Ri Yong Ho", "Ho Chi Minh", "Abū Bakr al-Baghdādī"},
		},
		{
			name: "an Arabic family name with its article after unknown given names; zu; nouns of Arabic place names",
			text: "The defendants include Khayrat el-Shater and Saadoun al-Dulaimi. German Defense Minister Karl Theodor zu Guttenberg spoke. A bomb hit Bab al-Sharjee and the Shatt al-Arab; Jaish al-Mahdi fighters fled.",
			want: []string{"Khayrat el-Shater", "Saadoun al-Dulaimi", "Karl Theodor zu Guttenberg"},
		},
		{
			name: "dynasties and caliphates are no one",
			text: "The Tang Dynasty ended and the Umayyad Caliphate expanded before Xi Jinping visited.",
			want: []string{"Xi Jinping"},
		},
		{
			name: "ships, bases and units are no one; Al opens Arabic names of places unless the text uses it as a given name",
			text: "The USS Carl Vinson, HMS Queen Elizabeth and the carrier Admiral Kuznetsov sailed. Prince Sultan Air Base and Joint Base Balad hosted the Golden Division and the 26th Marine Expeditionary Unit. The strike hit Al Qaim, Al Jazeera said, as Al Gore watched.",
			want: []string{"Al Gore"},
		},
		{
			name: "Al as a given name",
			text: "Al, see you at lunch. Regards, Al Arfsten",
			want: []string{"Al Arfsten"},
		},
		{
			name: "Mufti and Shaykh are titles",
			text: "Grand Mufti Ahmed Badreddin Hassoun prayed. Shaykh Abu Muhammad al-Maqdisi criticised the group.",
			want: []string{"Ahmed Badreddin Hassoun", "Abu Muhammad al-Maqdisi"},
		},
		{
			name: "a family name in capitals first, as Japanese and Korean releases write it",
			text: "Prime Minister KISHIDA Fumio met President YOON Suk Yeol. Minister for Foreign Affairs HAYASHI Yoshimasa spoke. SIMEX Brent closed; OM Gruppen rose.",
			want: []string{"Kishida Fumio", "Yoon Suk Yeol", "Hayashi Yoshimasa"},
		},
		{
			name: "medals, defence firms, exercises and classes of ship are no one",
			text: "He was awarded the George Cross and the Bronze Star. General Dynamics, Lockheed Martin and Northrop Grumman won contracts. Exercise Saber Strike began; the Queen Elizabeth class carriers sailed.",
			want: nil,
		},
		{
			name: "a name of two words before \", who\" is a person's; not a plural's or a team's",
			text: "Sibghatullah Mujaddedi, who chairs the upper house, escaped. Ethnic Albanians, who comprise 90 percent, agreed. Ajax, who lost, complained.",
			want: []string{"Sibghatullah Mujaddedi"},
		},
		{
			name: "a particle before a possessive surname keeps the name whole",
			text: "A manuscript of composer Ludwig van Beethoven's last quartet sold. President Cristina Fernandez de Kirchner's administration agreed.",
			want: []string{"Ludwig van Beethoven", "Cristina Fernandez de Kirchner"},
		},
		{
			name: "the holder of an office after its words; a patronymic inside a name; the group of a person",
			text: "Guerrillas threatened Minister of Defense Hazem Shaalan. They pledged loyalty to Usamah Bin Laden. Egyptians joined the group of Ayman al-Zawahiri.",
			want: []string{"Hazem Shaalan", "Usamah Bin Laden", "Ayman al-Zawahiri"},
		},
		{
			name: "Shah or Sultan after another title is a given name",
			text: "Pakistani Foreign Minister Shah Mahmood Qureshi met Crown Prince Sultan bin Abdulaziz and King Salman.",
			want: []string{"Shah Mahmood Qureshi", "Sultan bin Abdulaziz", "King Salman"},
		},
		{
			name: "a possessive before a member of a family is a person's",
			text: "Suharto's eldest daughter ran the toll roads. The company's son product sold.",
			want: []string{"Suharto"},
		},
		{
			name: "Australian honours after a name; a surname that is a title before honours",
			text: "Senator the Hon Linda Reynolds CSC met The Hon Julie Bishop MP and Air Chief Marshal Mark Binskin AC.",
			want: []string{"Linda Reynolds", "Julie Bishop", "Mark Binskin"},
		},
		{
			name: "a nickname in quotation marks inside a name",
			text: "Gen. Michael \"Erik\" Kurilla spoke; Gen. Kurilla left. Captain Moussa “Dadis” Camara took power. He said \"Yes\" Smith.",
			want: []string{"Michael Kurilla", "Moussa Camara"},
		},
		{
			name: "another name of the person just named, after \"known as\"",
			text: "Igor Girkin, also known as Strelkov, commanded the rebels. Islamic State, also known as Daesh, attacked.",
			want: []string{"Igor Girkin", "Strelkov"},
		},
		{
			name: "appositive role",
			text: "The strike killed Qassem Soleimani, the leader of the force. Soleimani had been warned.",
			want: []string{"Qassem Soleimani"},
		},
		{
			name: "particles inside a name",
			text: "The Commission's chief spokesman Nikolaus van der Pas told a news briefing. Van der Pas added nothing.",
			want: []string{"Nikolaus van der Pas"},
		},
		{
			name: "tokenized possessive and headline in capitals",
			text: "FISCHLER SAYS NO BAN\nEU Farm Commissioner Franz Fischler 's proposal was rejected . Fischler said so .",
			want: []string{"Franz Fischler"},
		},
		{
			name: "order of first mention counts surname mentions",
			text: "Mr. Blair spoke first. Then Bill Clinton spoke, and Tony Blair replied.",
			want: []string{"Tony Blair", "Bill Clinton"},
		},
		{
			name: "company names with a corporate suffix",
			text: "Merrill Lynch & Co said profits rose. Dean Witter Reynolds Inc declined comment.",
			want: nil,
		},
		{
			name: "a run ending in a place or organization head noun is not a person",
			text: "Trucks filled Dock Street and Harbor Street near Kestrel Falls. Halden Civil Works " +
				"said the Hollin Reservoir and Sorrel Crossing were safe, and the Harbor Workers agreed.",
			want: nil,
		},
		{
			name: "a surname that is also a head noun stays a surname after a given name",
			text: "Stuart Hall and Margaret Court spoke at the Albert Hall.",
			want: []string{"Stuart Hall", "Margaret Court"},
		},
		{
			name: "a run after the is a thing, unless a name modifies the noun after it",
			text: "Fans of the Lantern Walk met the Sorrel Rovers before the Tom Cruise film.",
			want: []string{"Tom Cruise"},
		},
		{
			name: "the Y of an X-of-Y organization or place is not a person",
			text: "Nadia Farouk of the University of Verran and the Bank of Marrow Lindqvist spoke.",
			want: []string{"Nadia Farouk"},
		},
		{
			name: "a title overrides the head noun and the article",
			text: "the Rev. Jesse Jackson met Judge Amara Nwosu.",
			want: []string{"Jesse Jackson", "Amara Nwosu"},
		},
		{
			name: "an ambiguous given name before a surname-shaped word",
			text: "The photo shows her at Grace Lindqvist's election-night party.",
			want: []string{"Grace Lindqvist"},
		},
		{
			name: "initials",
			text: "The report was written by J. Smith and John F. Kennedy.",
			want: []string{"J. Smith", "John F. Kennedy"},
		},
		{
			name: "several initials, a particle, and the surname alone later",
			text: "Former president F.W. de Klerk met A. Stewart. De Klerk said little.",
			want: []string{"F.W. de Klerk", "A. Stewart"},
		},
		{
			name: "a dateline names a place, not the speaker",
			text: "Farm ministry warns consumers\nHALDEN 1996-08-22\nHalden said on Wednesday it would wait.",
			want: nil,
		},
		{
			name: "teams on a results line are teams elsewhere too",
			text: "Results on Sunday:\nSokol Tychy 5 Lech Poznan 3\nBogdan Prusek ( Sokol Tychy ) scored twice.",
			want: []string{"Bogdan Prusek"},
		},
		{
			name: "an ordinary word opening the sentence is not part of the name",
			text: "Spokesman Glyn Davies said the talks went well.",
			want: []string{"Glyn Davies"},
		},
		{
			name: "goal scorers with the minute",
			text: "Matches on Saturday :\nTorvik 2 ( Brannvoll 12th , Eskeland 77th-pen ) Holmstad 1 ( Kvarme\n40th ) .\nAttendance 9,000",
			want: []string{"Brannvoll", "Eskeland", "Kvarme"},
		},
		{
			name: "cricket dismissals and bowling figures",
			text: "Ravi Tendlekar c Hollins b Pardew 52\nBowling : Pardew 20-4-61-3 , Maskell 11.2-1-40-0",
			want: []string{"Ravi Tendlekar", "Hollins", "Pardew", "Maskell"},
		},
		{
			name: "an initial before a word that is nothing else",
			text: "Northshire 212 ( T. Quarrington 85 , B. Holloway 40 )",
			want: []string{"T. Quarrington", "B. Holloway"},
		},
		{
			name: "a standings row names a team",
			text: "Standings :\nDynamo Orlov 4 3 1 0 9 2 10\nDynamo Orlov coach Pavel Sirko said his side was ready.",
			want: []string{"Pavel Sirko"},
		},
		{
			name: "a venue after at, a newspaper after an article",
			text: "At Trent Bridge : Notts 300 .\nThe daily Le Monde reported that Alain Berard resigned.",
			want: []string{"Alain Berard"},
		},
		{
			name: "a ticker letter or initials alone name no one",
			text: "Verran Motors Corp <C> said it would export cars. J.R. said nothing, C said more.",
			want: nil,
		},
		{
			name: "firms named after partners: a suffix after a chain of names, in the run, or on the next line",
			text: "Shares fell, said Lena Moss, an analyst with Brandt, Keller and Co.\nOstrander International Ltd and Vogel\nMotor Co agreed. Brandt said its clients sold; Ostrander and Vogel declined comment.",
			want: []string{"Lena Moss"},
		},
		{
			name: "a possessive that is no one's names a firm",
			text: "The bonds were rated by Moody's and Standard and Poor's. Moody's said the outlook was stable.\nMedia owner Rupert Halloway's Halloway Corp Ltd reported a loss, and his (Halloway's) aides said little.",
			want: []string{"Rupert Halloway"},
		},
		{
			name: "firm cues: an analyst after, a lead manager before, its and which",
			text: "Westerby analyst Carl Jansson said lead manager Fennick would price the issue. Fennick said its book was full. Ruddle, which advised, agreed.",
			want: []string{"Carl Jansson"},
		},
		{
			name: "a title overrules the cues, Sa is a name's word",
			text: "Midfielders - Tomas Barreto, Ricardo Sa Pinto.\nThe firm is controlled by a son of President Marwoto, which plans to expand.",
			want: []string{"Tomas Barreto", "Ricardo Sa Pinto", "Marwoto"},
		},
		{
			name: "more firm cues: a firm noun before, an affiliation, a slash, a company's word, a parenthesis",
			text: "The investment firm Halvard Pryce advised. Said Ana Weiss of Brenner Hollis: \"No.\"\nBrokers Tobias Renn (Far East) Ltd said Tobias Renn expects gains. Marlow Dutch/Shell Group and Verracorp said the official Pelco news agency erred. Halvard Pryce, Brenner Hollis and Pelco said nothing.",
			want: []string{"Ana Weiss"},
		},
		{
			name: "not a firm: a name before a congress, in a singular occupation",
			text: "The Gingrich/Dole Congress met. Speaker Newt Gingrich spoke. The other was insurer Thierry Dehaan.",
			want: []string{"Newt Gingrich", "Thierry Dehaan"},
		},
		{
			name: "a given name alone is no one, unless a title makes it a surname or a monarch's name",
			text: "The fund is run by Alex. Brown and Sons Inc, Paul said. Mr. Sharon met King Fahd and Prince Charles; Fahd said Charles would return.",
			want: []string{"Sharon", "King Fahd", "Prince Charles"},
		},
		{
			name: "an ordinary word opens no name; foreign companies' words",
			text: "Credit Holt eased credit terms, a broker said. Broker Khurshid Alam said banks lend. Banque Veraud and Airbus Industrie agreed, Mother Teresa said.",
			want: []string{"Khurshid Alam", "Mother Teresa"},
		},
		{
			name: "a place or \"the\" opening the name of a thing",
			text: "Holders of Canada Savings Bonds gained. The Student Loan Marketing\nAssociation said so, as did the Exchequer Nigel Lawson.",
			want: []string{"Nigel Lawson"},
		},
		{
			name: "partners written only as a pair are a firm; a quoted title is a work",
			text: "Brannock and Vale cut the rating. Brannock and Vale said margins fell. Keller and Ostrow met; Keller and Ostrow agreed, said Keller, who told Ostrow. Mr. Ostrow praised \"Harbor Lights\" and the film \"Morgan Cole\".",
			want: []string{"Keller", "Ostrow"},
		},
		{
			name: "monarchs and clerics known by one name keep the title; storms and two-word places are no one",
			text: "King Gyanendra met Pope John Paul in Sierra Leone as Hurricane Katrina neared. Gyanendra said the Pope was tired.",
			want: []string{"King Gyanendra", "Pope John Paul"},
		},
		{
			name: "web news: a university after a professor, a lab before a scientist, an adverb, a product, mountains",
			text: "Personally, said Ana Reyes, a professor at Cornell. \"It is wet,\" Goddard planetary scientist Avi Mandell said of the Sierra Nevada. President Reagan\nnominated economist Alan Greenspan. Buyers chose the Vesta Pro.",
			want: []string{"Ana Reyes", "Avi Mandell", "Reagan", "Alan Greenspan"},
		},
		{
			name: "given names without the surname, and a middle given name kept when the text drops it elsewhere",
			text: "Ngata and his son, Te Rangiora Paul Ngata, were called in. Pictured: Te Rangiora Ngata at the shed. \"It is a modern thing,\" says Te Rangiora.",
			want: []string{"Te Rangiora Paul Ngata"},
		},
		{
			name: "a firm named by one word before another word is its product",
			text: "The console supports Dolby Vision and Dolby Atmos. It would have been nice to see Dolby's, too. Marcus Webb said so.",
			want: []string{"Marcus Webb"},
		},
		{
			name: "titles of games and stories are no one, wherever their words stand",
			text: "Games like Assassin's Creed Origins and Halo Wars Remastered run well, as does Super Lucky's Tale. Super Lucky runs at 60 frames, Marcus Webb said.",
			want: []string{"Marcus Webb"},
		},
		{
			name: "a character an actor plays is no one; a player's opponent is someone",
			text: "Jeff Goldblum, playing the chaos theorist Ian Malcolm, charmed. Lisa Hart, played by Meryl Streep, sings. Rafael Nadal played Roger Federer. Georges Simenon wrote of the detective character Inspector Maigret. Officials disputed the role of Mr. Takemura.",
			want: []string{"Jeff Goldblum", "Meryl Streep", "Rafael Nadal", "Roger Federer", "Georges Simenon", "Takemura"},
		},
		{
			name: "Czech cases of a name and of a club are their nominative",
			text: "United vyhrál na hřišti Aston Villy, ale je to tým, který se zlepšil. S Marcusem Rashfordem vytvořil silné partnerství a při přestupu Marcuse Rashforda se čeká rekord. Rashford je také reprezentant, že ano.",
			want: []string{"Marcus Rashford"},
		},
		{
			name: "Czech cases of a surname declined as an adjective",
			text: "Trenér řekl, že Petra Kvitová je také v pořádku. Ale při zápase Petry Kvitové se už hrálo, a s Petrou Kvitovou jsou fanoušci rádi, když vyhraje.",
			want: []string{"Petra Kvitová"},
		},
		{
			name: "English text keeps a name that looks declined",
			text: "Coach Marcuse Rashforda said the team was ready and that the fans would come.",
			want: []string{"Marcuse Rashforda"},
		},
		{
			name: "a title on a subheading is wordplay; on a line of results or in a sentence it is evidence",
			text: "The cough would not stop.\nTime for Dr. Sherlock\nAs Sherlock would say, it was elementary. Doctors asked Mr. Hale about his bedding.\n1. Miss Stamper 3-1 ( ridden by Dave Hart )",
			want: []string{"Hale", "Stamper", "Dave Hart"},
		},
		{
			name: "a word quoted alone is a work or a place; a quoted given name may be a nom de guerre",
			text: "Marchers sang «Marseillaise» near the «Bataclan» theatre. Commander Oscar told reporters that Commanders \"Oscar\" and \"Vicente\" agreed.",
			want: []string{"Oscar"},
		},
		{
			name: "a name before a sequel's number is a title; before a score, an ordinal or a line's end it is someone's",
			text: "John Wick 3 opens on Friday, and Max Payne 3, which sold well, returns. Keanu Reeves stars as John Wick.\nCaen 1 ( Etienne Mendy 4th ) .\nPaul Collins 5\nRafael Nadal beat Roger Federer 6-3 6-2.",
			want: []string{"Keanu Reeves", "Etienne Mendy", "Paul Collins", "Rafael Nadal", "Roger Federer"},
		},
		{
			name: "titles in a list of works are no one; an author's possessive before a title is someone",
			text: "The console runs games like Max Payne, Tom Clancy's Rainbow Six and Alan Wake, and films such as Jurassic Park. Marcus Webb said so.",
			want: []string{"Tom Clancy", "Marcus Webb"},
		},
		{
			name: "a Spanish or Portuguese conjunction joins two names, unless one surname follows it",
			text: "La pareja formada por Edwin Luna y Kimberly Flores anunció su boda. El filósofo José Ortega y Gasset escribió. Os ministros Paulo Guedes e Sergio Moro falaram.",
			want: []string{"Edwin Luna", "Kimberly Flores", "José Ortega y Gasset", "Paulo Guedes", "Sergio Moro"},
		},
		{
			name: "a number glued to a name by the markup is left out",
			text: "The rally drew crowds, reported Lucas Nolan22. Nolan said the crowd was large.",
			want: []string{"Lucas Nolan"},
		},
		{
			name: "forms of one name that differ by accents, hyphens or particles are one person",
			text: "President Omar al-Bashir met envoys. Later Omar Bashir said talks went well. Jean-Marie Le Pen spoke; Jean Marie Le Pen left, said Marine Le Pen. Francois Hollande agreed with François Hollande.",
			want: []string{"Omar al-Bashir", "Jean-Marie Le Pen", "Marine Le Pen", "Francois Hollande"},
		},
		{
			name: "the links of a menu or to other stories are no one's name unless the story names them",
			text: "Home - World News - Car Prices - Love Poetry - Dana Whitfield - Sport\n\nMarcus Webb said the market rose.\n\nEducation | Prize Bond | Marcus Webb | Prayer Times | Travel Guide\n\nStabbing Attack Leaves 4 People Injured - Reports 5 minutes ago",
			want: []string{"Marcus Webb"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Persons(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Persons(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestWeakNames(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"VOLCKER SAYS DOLLAR FALL IS ENOUGH", []string{"Volcker"}},
		{"U.S. TREASURY'S BAKER SEES SMALLER DEFICIT", []string{"Baker"}},
		{"PRESIDENT REAGAN VOWS NO TAX RISE", []string{"Reagan"}},
		{"OIL PRICES FIRM ON OFFICIAL PRICES - SUBROTO", []string{"Subroto"}},
		{"Sumita says the bank will intervene", []string{"Sumita"}},
		// Not weak: a possessive, a name the text gives in full. (Words like USX
		// are weak names the archive cannot resolve: see TestNameBookResolveWeak.)
		{"FED'S JOHNSON", nil},
		{"VOLCKER SAYS DOLLAR FALL IS ENOUGH\nFed chairman Paul Volcker said the fall was enough.", nil},
	}
	for _, tt := range tests {
		persons, _, weak := extractPeople(tt.text)
		if diff := cmp.Diff(tt.want, weak); diff != "" {
			t.Errorf("weak names of %q (persons %q) mismatch (-want +got):\n%s", tt.text, persons, diff)
		}
	}
}

func TestNormalizePersons(t *testing.T) {
	got := NormalizePersons([]string{"reagan", "President Ronald Reagan", "  james   baker ", "Baker's", "JAMES BAKER"})
	want := []string{"Ronald Reagan", "James Baker"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NormalizePersons mismatch (-want +got):\n%s", diff)
	}
}

// conllDoc is one line of the CoNLL-2003 per-document file (see its README).
type conllDoc struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Persons []string `json:"persons"`
}

const conllPath = "../../shared/data/conll2003/documents_train_testa.jsonl"

// TestPersonsCoNLL measures Persons against the CoNLL-2003 person gold at
// document level: each document's distinct people, a surname-only gold mention
// ("Fischler") counted as the same person as the full name it repeats ("Franz
// Fischler"), since Persons resolves them to one name by design.
func TestPersonsCoNLL(t *testing.T) {
	f, err := os.Open(conllPath)
	if err != nil {
		t.Skipf("CoNLL-2003 data not available (%v); it lives in ../shared/data beside the checkout", err)
	}
	defer f.Close()
	var all, prose prf
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		var d conllDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("%s: %v", conllPath, err)
		}
		got := Persons(d.Text)
		s := scoreDoc(clusterNames(d.Persons), got)
		all.add(s)
		if !isTable(d.Text) {
			prose.add(s)
		}
		if testing.Verbose() && os.Getenv("CONLL_ERRORS") != "" && (s.fp > 0 || s.fn > 0) {
			t.Logf("%s: gold %q got %q", d.ID, d.Persons, got)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("CoNLL-2003 train+testa, distinct persons per document (%d docs): %s", all.docs, all)
	t.Logf("  prose documents only (%d docs, results tables left out): %s", prose.docs, prose)
	const floor = 0.93
	if p, r, f1 := all.scores(); f1 < floor {
		t.Errorf("F1 %.3f (P %.3f R %.3f) is below the floor %.2f", f1, p, r, floor)
	}
}

// isTable reports whether a CoNLL document is mostly a sports results table: many
// lines that hold numbers and few that read as sentences.
func isTable(text string) bool {
	lines := strings.Split(text, "\n")
	numeric := 0
	for _, l := range lines {
		if strings.ContainsAny(l, "0123456789") && !strings.HasSuffix(l, " .") {
			numeric++
		}
	}
	return numeric*2 > len(lines)
}

type docScore struct{ tp, fp, fn int }

type prf struct {
	docs       int
	tp, fp, fn int
}

func (p *prf) add(s docScore) { p.docs++; p.tp += s.tp; p.fp += s.fp; p.fn += s.fn }

func (p prf) scores() (precision, recall, f1 float64) {
	if p.tp+p.fp > 0 {
		precision = float64(p.tp) / float64(p.tp+p.fp)
	}
	if p.tp+p.fn > 0 {
		recall = float64(p.tp) / float64(p.tp+p.fn)
	}
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	return
}

func (p prf) String() string {
	pr, r, f := p.scores()
	return strings.Join([]string{"P " + fmtF(pr), "R " + fmtF(r), "F1 " + fmtF(f),
		"(tp " + itoa(p.tp) + ", fp " + itoa(p.fp) + ", fn " + itoa(p.fn) + ")"}, " ")
}

// clusterNames groups a document's gold mention strings into people: a name joins
// an earlier one it is the same person as (see samePerson).
func clusterNames(names []string) [][]string {
	sorted := slices.Clone(names)
	slices.SortStableFunc(sorted, func(a, b string) int { return len(strings.Fields(b)) - len(strings.Fields(a)) })
	var clusters [][]string
	for _, n := range sorted {
		placed := false
		for i, c := range clusters {
			if samePerson(c[0], n) {
				clusters[i] = append(c, n)
				placed = true
				break
			}
		}
		if !placed {
			clusters = append(clusters, []string{n})
		}
	}
	return clusters
}

// samePerson reports whether two names can denote one person: equal up to case,
// one the end of the other (Fischler, van der Pas), a single word the first word of
// the other (Roy for Roy Keane, Tang for Tang Shubei), or the same first and last word.
func samePerson(a, b string) bool {
	x, y := nameWords(a), nameWords(b)
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	if len(x) < len(y) {
		x, y = y, x
	}
	if slices.Equal(x[len(x)-len(y):], y) || (len(y) == 1 && x[0] == y[0]) {
		return true
	}
	return x[0] == y[0] && x[len(x)-1] == y[len(y)-1]
}

// nameWords splits a name into lower-case words without a generational suffix,
// which Persons leaves out of canonical names (Ken Griffey Jr).
func nameWords(s string) []string {
	return withoutSuffixes(strings.Fields(strings.ToLower(s)), 1)
}

func scoreDoc(gold [][]string, got []string) docScore {
	used := make([]bool, len(gold))
	var s docScore
	for _, g := range got {
		hit := false
		for i, c := range gold {
			if used[i] {
				continue
			}
			if slices.ContainsFunc(c, func(n string) bool { return samePerson(n, g) }) {
				used[i], hit = true, true
				break
			}
		}
		if hit {
			s.tp++
		} else {
			s.fp++
		}
	}
	s.fn = len(gold) - s.tp
	return s
}

func fmtF(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
func itoa(n int) string     { return strconv.Itoa(n) }

func TestSlavicText(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Řekl, že tým, který je skvělý, také vyhrál. Bylo to jako sen, ale už je konec a jeho fanoušci jsou rádi.", true},
		{"Powiedział, że drużyna, która jest dobra, także wygrała. Był to sen, ale już koniec, oraz przez dla niż.", true},
		{"Povedal, že tím, ktorý je skvelý, tiež vyhral. Bolo to ako sen, ale už je koniec a keď aby jeho.", true},
		{"Je pense qu'elle se trompe: sa mère se souvient, je le sais, et se tait; je crois qu'il se trompe.", false},
		{"Se adoptan medidas en Artemisa y Mayabeque; se informa que se cierra, se abre y se decide.", false},
		{"He said that the team, which was good, also won, and that it was a dream for the fans.", false},
	}
	for _, tt := range tests {
		pe := personsPool.Get().(*personExtractor)
		pe.extract(tt.text)
		if got := pe.slavicText(); got != tt.want {
			t.Errorf("slavicText(%.40q…) = %v, want %v", tt.text, got, tt.want)
		}
		personsPool.Put(pe)
	}
}

func TestNominatives(t *testing.T) {
	for w, want := range map[string]string{"Declana": "Declan", "Ricem": "Rice", "Villy": "Villa", "Součka": "Souček", "Kowalskiego": "Kowalski", "Nowakowi": "Nowak", "Wałęsą": "Wałęsa",
		"Vondroušové": "Vondroušová", "Vondroušovou": "Vondroušová", "Nového": "Nový", "Jiřího": "Jiří", "Kowalskiej": "Kowalska"} {
		if got := nominatives(w); !slices.Contains(got, want) {
			t.Errorf("nominatives(%q) = %q, want it to hold %q", w, got, want)
		}
	}
}
