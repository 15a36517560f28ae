"""Word lists the people finder uses: given names, honorifics, role words, places, organisations.

Plain data, kept apart from the rules so it can grow without touching them.
"""

GIVEN_NAMES = set(
    [
        "aaron",
        "abby",
        "abdul",
        "abdullah",
        "abe",
        "abigail",
        "adam",
        "adrian",
        "ahmed",
        "aidan",
        "aisha",
        "alan",
        "albert",
        "alberto",
        "alec",
        "alejandro",
        "aleksandr",
        "alex",
        "alexander",
        "alexandra",
        "alexandre",
        "alexei",
        "alexey",
        "alfred",
        "ali",
        "alice",
        "alicia",
        "alison",
        "allen",
        "amanda",
        "amber",
        "amir",
        "amy",
        "ana",
        "anatoly",
        "andre",
        "andrea",
        "andreas",
        "andrei",
        "andres",
        "andrew",
        "andrzej",
        "andy",
        "angela",
        "angelina",
        "angus",
        "anita",
        "ann",
        "anna",
        "annalena",
        "anne",
        "annie",
        "anthony",
        "antonio",
        "antony",
        "april",
        "archie",
        "ariel",
        "arnold",
        "arthur",
        "ashley",
        "ashraf",
        "barack",
        "barbara",
        "barry",
        "beata",
        "beatrice",
        "ben",
        "benjamin",
        "benny",
        "bernard",
        "bernie",
        "beto",
        "betsy",
        "beth",
        "betty",
        "bill",
        "billy",
        "bob",
        "bobby",
        "boris",
        "brad",
        "bradley",
        "brandon",
        "brenda",
        "brett",
        "brian",
        "bruce",
        "bryan",
        "byron",
        "camilla",
        "carl",
        "carla",
        "carlos",
        "carly",
        "carmen",
        "carol",
        "caroline",
        "catherine",
        "cecilia",
        "charles",
        "charlie",
        "charlotte",
        "chelsea",
        "cheryl",
        "chris",
        "christian",
        "christina",
        "christine",
        "christopher",
        "chuck",
        "cindy",
        "claire",
        "clara",
        "claude",
        "colin",
        "connor",
        "corey",
        "cory",
        "craig",
        "cristina",
        "cynthia",
        "dale",
        "dan",
        "dana",
        "daniel",
        "danny",
        "darren",
        "dave",
        "david",
        "dean",
        "debbie",
        "deborah",
        "denis",
        "dennis",
        "derek",
        "diana",
        "diane",
        "dick",
        "dmitri",
        "dmitry",
        "dominic",
        "don",
        "donald",
        "donna",
        "doug",
        "douglas",
        "duncan",
        "dwight",
        "ed",
        "eddie",
        "edward",
        "elaine",
        "eleanor",
        "elena",
        "elijah",
        "elizabeth",
        "ellen",
        "elon",
        "emily",
        "emma",
        "emmanuel",
        "enrique",
        "eric",
        "erik",
        "ethan",
        "eugene",
        "eva",
        "evan",
        "evelyn",
        "fatima",
        "felix",
        "fernando",
        "fiona",
        "francesco",
        "francis",
        "francois",
        "frank",
        "franz",
        "fred",
        "frederick",
        "gabriel",
        "gary",
        "gavin",
        "george",
        "georgia",
        "gerald",
        "gerhard",
        "gina",
        "giorgia",
        "giuseppe",
        "glenn",
        "gordon",
        "grace",
        "graham",
        "greg",
        "gregory",
        "guy",
        "hakeem",
        "hans",
        "harold",
        "harriet",
        "harry",
        "hassan",
        "heather",
        "hector",
        "heidi",
        "helen",
        "helmut",
        "henry",
        "herbert",
        "hilary",
        "hillary",
        "howard",
        "hugh",
        "hugo",
        "ian",
        "igor",
        "ilya",
        "ingrid",
        "isaac",
        "isabel",
        "ivan",
        "jack",
        "jackie",
        "jacob",
        "jacques",
        "jake",
        "james",
        "jamie",
        "jan",
        "jane",
        "janet",
        "janice",
        "jared",
        "jason",
        "javier",
        "jay",
        "jean",
        "jean-claude",
        "jean-luc",
        "jean-marie",
        "jean-pierre",
        "jean-yves",
        "jeb",
        "jeff",
        "jeffrey",
        "jen",
        "jennifer",
        "jens",
        "jeremy",
        "jerome",
        "jerry",
        "jess",
        "jessica",
        "jill",
        "jim",
        "jimmy",
        "jo",
        "joan",
        "joanna",
        "joaquin",
        "jodi",
        "joe",
        "joel",
        "johann",
        "johannes",
        "john",
        "johnny",
        "jon",
        "jonathan",
        "jordan",
        "jorge",
        "jose",
        "josep",
        "joseph",
        "josh",
        "joshua",
        "joyce",
        "juan",
        "judith",
        "judy",
        "julia",
        "julian",
        "julie",
        "justin",
        "kamala",
        "karen",
        "karin",
        "karl",
        "kate",
        "katherine",
        "kathleen",
        "kathy",
        "katie",
        "kay",
        "keir",
        "keith",
        "kelly",
        "ken",
        "kenneth",
        "kevin",
        "kieran",
        "kim",
        "kimberly",
        "kirsten",
        "klaus",
        "kristi",
        "kristen",
        "kurt",
        "kyle",
        "lara",
        "larry",
        "laura",
        "lauren",
        "lee",
        "leo",
        "leon",
        "leonard",
        "lesley",
        "leslie",
        "liam",
        "linda",
        "lindsey",
        "lisa",
        "liz",
        "liza",
        "lloyd",
        "lois",
        "lord",
        "lorenzo",
        "louis",
        "louise",
        "lucas",
        "lucy",
        "luis",
        "luke",
        "lyndon",
        "madeleine",
        "maggie",
        "malcolm",
        "manuel",
        "marc",
        "marco",
        "marcus",
        "margaret",
        "maria",
        "marie",
        "marina",
        "mario",
        "marion",
        "mark",
        "marsha",
        "martha",
        "martin",
        "mary",
        "matt",
        "matteo",
        "matthew",
        "maureen",
        "max",
        "maxim",
        "melania",
        "melissa",
        "michael",
        "michel",
        "michele",
        "michelle",
        "miguel",
        "mike",
        "mikhail",
        "mitch",
        "mitt",
        "mohammed",
        "mohammad",
        "muhammad",
        "nadia",
        "nancy",
        "naomi",
        "natalia",
        "natalie",
        "nathan",
        "neil",
        "nicholas",
        "nick",
        "nicola",
        "nicolas",
        "nicole",
        "nigel",
        "nikita",
        "nikki",
        "nina",
        "noah",
        "norman",
        "olaf",
        "oleg",
        "oliver",
        "olivia",
        "omar",
        "oscar",
        "owen",
        "pablo",
        "pamela",
        "pat",
        "patricia",
        "patrick",
        "paul",
        "paula",
        "pedro",
        "penny",
        "pete",
        "peter",
        "petr",
        "philip",
        "phil",
        "pierre",
        "priti",
        "rachel",
        "rafael",
        "rahm",
        "ralph",
        "ramzan",
        "randy",
        "ray",
        "raymond",
        "rebecca",
        "recep",
        "reince",
        "richard",
        "rick",
        "rishi",
        "rob",
        "robert",
        "roberto",
        "robin",
        "rod",
        "roger",
        "roland",
        "ron",
        "ronald",
        "rory",
        "rosa",
        "rose",
        "ross",
        "roy",
        "ruby",
        "rudy",
        "rupert",
        "russell",
        "ruth",
        "ryan",
        "sadiq",
        "sajid",
        "sally",
        "sam",
        "samantha",
        "samuel",
        "sandra",
        "sara",
        "sarah",
        "scott",
        "sean",
        "sebastian",
        "serge",
        "sergei",
        "sergey",
        "shannon",
        "sharon",
        "shaun",
        "sheila",
        "shinzo",
        "silvio",
        "simon",
        "sophie",
        "stanley",
        "stefan",
        "stephanie",
        "stephen",
        "steve",
        "steven",
        "stuart",
        "sue",
        "susan",
        "suzanne",
        "svetlana",
        "tammy",
        "tanya",
        "ted",
        "teresa",
        "terry",
        "theresa",
        "thomas",
        "tim",
        "timothy",
        "tina",
        "todd",
        "tom",
        "tommy",
        "tony",
        "tracy",
        "tulsi",
        "ursula",
        "valerie",
        "vanessa",
        "vasile",
        "victor",
        "victoria",
        "viktor",
        "vincent",
        "vitali",
        "vitaly",
        "vladimir",
        "volodymyr",
        "walter",
        "wang",
        "wayne",
        "wendy",
        "william",
        "willie",
        "xavier",
        "xi",
        "yair",
        "yasmin",
        "yulia",
        "yuri",
        "yves",
        "zach",
        "zachary",
        "zoe",
    ]
)

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "professor", "rev",
    "sen", "rep", "gov", "gen", "col", "capt", "lt", "sgt", "adm", "pres", "hon", "mx", "messrs",
}  # fmt: skip

ROLE_WORDS = {
    "president", "prime", "minister", "secretary", "chancellor", "spokesman", "spokesperson",
    "spokeswoman", "mayor", "senator", "governor", "general", "king", "queen", "prince",
    "princess", "pope", "judge", "justice", "foreign", "state", "defence", "defense", "chief",
    "speaker", "leader", "ambassador", "commissioner", "representative", "congressman",
    "congresswoman", "vice", "deputy", "former", "director", "chairman", "chairwoman", "chair",
    "sheriff", "attorney", "officer", "colonel", "captain", "lieutenant", "sergeant", "admiral",
    "candidate", "presidential", "health", "home", "interior", "finance", "treasury", "labor",
    "labour", "education", "economy", "trade", "energy", "army", "opposition",
    "majority", "minority", "house", "senate", "republican", "democratic", "democrat", "gop",
    "conservative", "tory", "boss", "coach", "manager", "ceo", "founder", "executive",
    "adviser", "advisor", "envoy", "diplomat", "first", "lady", "dutchess", "duchess", "duke",
    "emperor", "ayatollah", "sheikh", "crown", "supreme", "chairperson", "cardinal", "bishop",
    "archbishop", "father", "saint", "st", "premier", "councillor", "councilman", "mp", "mep",
    "sen", "rep", "gov", "lt", "gen", "dr", "mr", "mrs", "ms", "sir", "dame", "lord",
}  # fmt: skip

DEMONYMS = {
    "american", "british", "english", "scottish", "welsh", "irish", "french", "german",
    "russian", "ukrainian", "polish", "italian", "spanish", "portuguese", "dutch", "belgian",
    "swiss", "austrian", "swedish", "norwegian", "danish", "finnish", "estonian", "latvian",
    "lithuanian", "belarusian", "hungarian", "czech", "slovak", "romanian", "bulgarian", "greek",
    "turkish", "israeli", "palestinian", "iranian", "iraqi", "syrian", "saudi", "egyptian",
    "chinese", "japanese", "korean", "indian", "pakistani", "afghan", "australian", "canadian",
    "mexican", "brazilian", "argentine", "european", "western", "eastern", "us", "u.s", "uk",
    "u.k", "eu", "un", "nato", "kremlin", "soviet",
}  # fmt: skip

PLACES = {
    "afghanistan", "albania", "algeria", "america", "argentina", "armenia", "australia",
    "austria", "azerbaijan", "belarus", "belgium", "bosnia", "brazil", "britain", "bulgaria",
    "canada", "chile", "china", "colombia", "croatia", "cuba", "cyprus", "czechia", "denmark",
    "egypt", "england", "estonia", "ethiopia", "europe", "finland", "france", "georgia",
    "germany", "greece", "hungary", "india", "indonesia", "iran", "iraq", "ireland", "israel",
    "italy", "japan", "jordan", "kazakhstan", "kenya", "korea", "kosovo", "latvia", "lebanon",
    "libya", "lithuania", "luxembourg", "mexico", "moldova", "montenegro", "morocco",
    "netherlands", "nigeria", "norway", "pakistan", "palestine", "poland", "portugal", "qatar",
    "romania", "russia", "scotland", "serbia", "slovakia", "slovenia", "somalia", "spain",
    "sudan", "sweden", "switzerland", "syria", "taiwan", "turkey", "turkiye", "ukraine", "venezuela",
    "vietnam", "wales", "yemen", "africa", "asia", "crimea", "donbas", "donetsk", "luhansk",
    "kherson", "moscow", "kyiv", "kiev", "minsk", "paris", "london", "berlin", "washington",
    "brussels", "warsaw", "rome", "madrid", "vienna", "beijing", "tokyo", "tehran", "baghdad",
    "damascus", "jerusalem", "ankara", "istanbul", "new", "york", "los", "angeles", "chicago",
    "texas", "california", "florida", "iowa", "ohio", "virginia", "carolina", "hampshire",
    "nevada", "michigan", "pennsylvania", "wisconsin", "arizona", "alabama", "kentucky",
    "tennessee", "massachusetts", "normandy", "atlantic", "pacific", "mediterranean", "baltic",
    "belfast", "dublin", "edinburgh", "geneva", "munich", "odessa", "kharkiv", "mariupol",
    "canakkale", "lasna", "rzeszow", "greenland", "westminster", "whitehall", "brexit", "covid",
    "holland", "ottawa", "sydney", "delhi", "mumbai", "cairo", "riyadh", "dubai", "doha", "gaza",
}  # fmt: skip

# Words that make a capitalised run an organisation, a place or a thing, not a person.
ORG_WORDS = {
    "news", "street", "palace", "house", "republic", "republics", "ministry", "party", "union",
    "council", "commission", "agreement", "agreements", "airport", "sea", "strait", "navy",
    "force", "forces", "army", "area", "peninsula", "stream", "podcasts", "podcast", "journal",
    "times", "post", "university", "institute", "foundation", "committee", "department", "court",
    "senate", "congress", "bank", "group", "inc", "ltd", "corp", "company", "association",
    "agency", "office", "church", "school", "college", "center", "centre", "club", "league", "cup",
    "games", "olympics", "summit", "conference", "county", "city", "states", "island", "islands",
    "mountain", "river", "lake", "valley", "bay", "coast", "square", "road", "avenue", "hall",
    "tower", "bridge", "station", "hotel", "hospital", "prison", "museum", "library", "gallery",
    "theatre", "theater", "stadium", "park", "channel", "tv", "radio", "network", "media",
    "press", "review", "magazine", "daily", "online", "live", "gazette", "herald", "tribune",
    "express", "mail", "mirror", "guardian", "telegraph", "independent", "chronicle", "observer",
    "democrats", "republicans", "people", "nations", "united", "kingdom", "organisation",
    "organization", "alliance", "treaty", "accords", "accord", "format", "charter", "act", "bill",
    "law", "war", "day", "week", "month", "year", "april", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "june", "july",
    "august", "september", "october", "november", "december", "boeing", "airbus", "globemaster",
    "presence", "training", "armed", "defense", "defence", "security", "service", "services",
    "police", "guard", "corps", "fleet", "command", "brigade", "division", "battalion", "regiment",
    "twitter", "facebook", "instagram", "youtube", "google", "apple", "spotify", "microsoft",
    "amazon", "reuters", "associated", "afp", "bbc", "cnn", "abc", "cbs", "nbc", "fox", "sky",
    "msnbc", "npr", "pbs", "al", "jazeera", "politico", "breitbart", "huffpost", "dimanche",
    "elysee", "kremlin", "downing", "capitol", "pentagon", "nato", "osce", "eu", "un", "uk", "us",
    "gop", "ii", "iii", "iv", "st", "fc", "jr", "sr", "plc", "llc", "ag", "sa", "ministries",
    "airlines", "motors", "index", "fund", "capital", "partners", "holdings",
    "administration", "government", "parliament", "assembly", "cabinet", "embassy", "consulate",
    "democratic", "republican", "conservative", "labour", "labor", "liberal", "green", "greens",
    "caucus", "campaign", "initiative", "project", "program", "programme",
    "northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
    "super", "royal", "black", "red", "white", "blue", "crimean", "enhanced", "forward",
}  # fmt: skip

# Capitalised words that start sentences or headlines and are never part of a name.
STOP = {
    "the", "a", "an", "and", "but", "or", "if", "in", "on", "at", "of", "for", "to", "by",
    "with", "from", "as", "after", "before", "during", "while", "when", "where", "why", "how",
    "what", "who", "which", "this", "that", "these", "those", "there", "here", "it", "its", "he",
    "she", "they", "we", "i", "you", "his", "her", "their", "our", "my", "your", "however",
    "meanwhile", "also", "last", "later", "earlier", "since", "until", "according", "both",
    "all", "some", "many", "most", "more", "such", "so", "then", "than", "not", "no", "yes",
    "over", "under", "about", "against", "between", "among", "into", "through", "despite",
    "although", "though", "because", "unlike", "like", "one", "two", "three", "several", "each",
    "every", "other", "another", "any", "asked", "speaking", "addressing", "accusing",
    "concluding", "following", "engaging", "repeatedly", "ahead", "via", "per", "yet", "even",
    "just", "only", "now", "today", "yesterday", "tomorrow", "tonight", "read", "watch", "see",
    "said", "says", "told", "added", "dear", "thank", "thanks", "please", "well", "oh", "let",
    "do", "don’t", "don't", "we’re", "i’m", "it’s", "that’s", "there’s", "here’s", "mr", "mrs",
    "ms", "without", "within", "upon", "would", "could", "should", "will", "can", "may",
    "might", "must", "was", "were", "is", "are", "be", "been", "has", "have", "had", "did",
    "does", "new", "old", "former", "late", "young", "top", "senior", "junior", "chief",
}  # fmt: skip

# Given names of women, and names given to both men and women, for "she" and "he": a
# given name in GIVEN_NAMES and in neither set is a man's.
FEMALE_GIVEN_NAMES = {
    "abby", "abigail", "aisha", "alexandra", "alexandria", "alice", "alicia", "alison", "amanda",
    "amber", "amy", "ana", "andrea", "angela", "angelina", "anita", "ann", "anna", "annalena",
    "anne", "annie", "april", "ashley", "ayanna", "barbara", "beata", "beatrice", "beth", "betsy",
    "betty", "brenda", "brigid", "camilla", "carla", "carly", "carmen", "carol", "caroline",
    "catherine", "cecilia", "charlotte", "chelsea", "cheryl", "christina", "christine", "cindy",
    "claire", "clara", "condoleezza", "cristina", "cynthia", "debbie", "deborah", "diana",
    "diane", "dianne", "donna", "elaine", "eleanor", "elena", "elise", "elizabeth", "ellen",
    "emily", "emma", "eva", "evelyn", "fatima", "fiona", "georgia", "gina", "giorgia", "grace",
    "gretchen", "harriet", "heather", "heidi", "helen", "hilary", "hillary", "hope", "huma",
    "ilhan", "ingrid", "isabel", "ivanka", "jane", "janet", "janice", "jeanne", "jen", "jennifer",
    "jessica", "jill", "joan", "joanna", "jodi", "joyce", "judith", "judy", "julia", "julie",
    "kamala", "karen", "karin", "kate", "katherine", "kathleen", "kathy", "katie", "katrina",
    "katy", "kay", "kayleigh", "kellyanne", "kimberly", "kirsten", "kristen", "kristi", "lara",
    "laura", "lauren", "lesley", "linda", "lisa", "liz", "liza", "lois", "loretta", "louise",
    "lucy", "madeleine", "maggie", "maria", "marie", "marina", "marsha", "martha", "mary",
    "maureen", "maxine", "megyn", "melania", "melissa", "michele", "michelle", "nadia", "nancy",
    "naomi", "natalia", "natalie", "neera", "nicole", "nikki", "nina", "olivia", "oprah",
    "pamela", "patricia", "paula", "penny", "priti", "rachel", "rashida", "rebecca", "rosa",
    "rose", "ruby", "ruth", "sally", "samantha", "sandra", "sara", "sarah", "sharon", "sheila",
    "sonia", "sophie", "stephanie", "sue", "susan", "suzanne", "svetlana", "tammy", "tanya",
    "teresa", "theresa", "tiffany", "tina", "tulsi", "ursula", "valerie", "vanessa", "victoria",
    "wendy", "yasmin", "yulia", "zoe",
}  # fmt: skip
UNISEX_GIVEN_NAMES = {
    "ariel", "dana", "jackie", "jamie", "jan", "jean", "jess", "jo", "jordan", "kelly", "kim",
    "lee", "leslie", "lindsey", "marion", "nicola", "pat", "robin", "sam", "shannon", "terry",
    "tracy",
}  # fmt: skip
# Titles and role words that tell a woman from a man.
FEMALE_TITLES = {
    "mrs", "ms", "miss", "dame", "lady", "madam", "congresswoman", "spokeswoman", "chairwoman",
    "queen", "princess", "duchess", "dutchess", "businesswoman",
}  # fmt: skip
MALE_TITLES = {
    "mr", "sir", "lord", "congressman", "spokesman", "king", "prince", "duke", "businessman",
}  # fmt: skip


def _words(text: str) -> set[str]:
    return set(text.split())


# More given names common in English-language news (men's, women's and both), so that a
# full name is recognised by its given name wherever it stands.
GIVEN_NAMES |= _words(
    """
    abraham ada adam adrian agnes ahmed aidan al alain alan albert alberto alec alejandro
    aleksandr alex alexander alexei alfred alfredo ali alicia allan allen allison alma alonzo
    alton alvin amelia amir amos andre andrea andres andrew andy angel angelo angus anil
    anthony antoine anton antonio april archie arlene armando arnold arthur arturo asa ashton
    audrey august austin avery axel barry bart basil beatriz ben benjamin bennett bernard
    bernie bert bill billy blake bob bobby bonnie boris brad bradley brandon brendan brent
    brett brian brianne brigitte britney brooke bruce bruno bryan bryce buck bud buddy byron
    caleb calvin cameron carl carlos carlton carmen carrie carter casey cecil cedric chad
    charles charlie chase chester chris christian christopher chuck clarence claude claudia
    clay clayton clifford clint clinton clyde cody colin conor connor cory craig curtis cyrus
    dale dallas damian damon dan daniel danielle danny darius darrell darren daryl dave david
    dean debra dennis derek desmond devin dewayne dexter diego dmitri dmitry dolores dominic
    don donald doris doug douglas drew duane dustin dwayne dwight earl ed eddie edgar edith
    eduardo edward edwin eileen elias elijah eliot elliot elliott ellis elmer elon elton emil
    emilio emmanuel enrique eric erik erin ernest ernesto esther ethan eugene evan everett
    ezra fabian felipe felix fernando floyd forrest frances francesco francis francisco
    frank frankie franklin fred freddie frederick gabriel gail gareth garrett gary gavin gene
    geoffrey george gerald gerard gilbert gladys glen glenn gloria gordon graham grant greg
    gregory guido gus guy hal hamid hank hans harold harris harry harvey hector henry herbert
    herman homer horace howard hugh hugo hunter ian ibrahim igor irene iris irving isaac
    isaiah ivan jack jackson jacob jacqueline jake james jared jason javier jay jeb jeff
    jeffrey jenna jeremy jerome jerry jesse jesus jim jimmy joachim joaquin joe joel johan
    john johnny jon jonah jonathan jorge jose joseph josh joshua juan jules julian julius
    junichiro justin kai karl keith kelli ken kendall kenneth kent kerry kevin kirk kurt kyle
    lamar lance larry lawrence leo leon leonard leroy lewis liam lily lindsay lionel lloyd
    logan lorenzo lou louis lucas luis luke luther lyndon mack malcolm manuel marc marco
    marcus marian mario mark marshall martin marty marvin mason matt matthew maurice max
    maxwell mel melvin michael micheal miguel mike miles millard milton mitch mitt mitchell
    mohamed mohammed monica morgan morris morton muhammad murray nathan nathaniel neil nelson
    newt nicholas nick nigel noah noel norman oliver omar orlando oscar otis owen pablo
    patrick paul pedro pete peter phil philando philip phillip pierre preston quentin rafael
    ralph ramon randall randy raul ray raymond reed reggie reginald rex ricardo richard rick
    ricky rob robert roberto rod rodney roger roland rolf roman ron ronald ronnie ross roy
    ruben rudolph rudy rupert russ russell ryan salvador sam samuel scott sean sebastian
    sergei sergey seth shane shaun shawn sheldon sidney simon spencer stanley stefan stephen
    steve steven stuart sydney ted teddy terrence theodore thomas tim timothy toby todd tom
    tommy tony travis trevor troy tyler tyrone vernon victor vince vincent virgil vladimir
    wade wallace walter warren wayne wesley wilbur will willard william willie wilson
    winston wolfgang xavier yuri zach zachary
    abigail adele adriana agatha aileen alana alexis alisha allegra alyssa amelie anastasia
    andrea angie annette antonia arianna ava barbra belinda bernadette bethany beverly
    bianca blanche brianna bridget brittany camila candace cara carolyn cassandra cathy
    celeste celine chantal charlene chloe christa ciara claudette colleen connie constance
    courtney crystal daisy dakota daphne darlene dawn delia denise diane dina dominique
    dora doreen dorothy edna elisa eliza ella elsa emilia erica erika estelle eugenia faith
    felicity florence frida gabriela gabrielle genevieve geraldine gillian ginger giselle
    gwen gwendolyn hailey hannah hazel holly imogen irina isabella jacquelyn jade jana
    janelle jasmine jeanette jenny jillian joanne jocelyn josephine joy juanita judi
    juliana juliet justine karina kathryn kaye kelli kendra kerri kristina kylie lana leah
    leila lena lila lillian lorraine lucia lucille lydia lynn mabel mackenzie madison
    mallory mandy marcia margaret margarita marian marianne marilyn marjorie marlene
    maya meg megan meghan melanie mercedes meredith mia mildred miranda molly monique
    myra nadine natasha nell nora norma octavia olga paige pauline pearl peggy phyllis
    polly rachael ramona regina renee rhonda rita roberta robyn rosalind rosemary rosie
    roxanne sabrina sadie selena serena shelby sheryl shirley simone sofia sonya stella
    summer sylvia tamara tara tess thelma tracey trisha vera veronica vicki viola violet
    virginia vivian wanda whitney yolanda yvonne zelda
    """
)
FEMALE_GIVEN_NAMES |= _words(
    """
    ada agnes alma amelia arlene audrey beatriz bonnie brianne brigitte britney brooke carrie
    claudia danielle debra dolores doris edith eileen esther frances gail gladys gloria irene
    iris jacqueline jenna kelli lily marian monica abigail adele adriana agatha aileen alana
    alexis alisha allegra alyssa amelie anastasia angie annette antonia arianna ava barbra
    belinda bernadette bethany beverly bianca blanche brianna bridget brittany camila candace
    cara carolyn cassandra cathy celeste celine chantal charlene chloe christa ciara claudette
    colleen connie constance courtney crystal daisy daphne darlene dawn delia denise dina
    dominique dora doreen dorothy edna elisa eliza ella elsa emilia erica erika estelle
    eugenia faith felicity florence frida gabriela gabrielle genevieve geraldine gillian ginger
    giselle gwen gwendolyn hailey hannah hazel holly imogen irina isabella jacquelyn jade jana
    janelle jasmine jeanette jenny jillian joanne jocelyn josephine joy juanita judi juliana
    juliet justine karina kathryn kaye kendra kerri kristina kylie lana leah leila lena lila
    lillian lorraine lucia lucille lydia lynn mabel mallory mandy marcia margaret margarita
    marianne marilyn marjorie marlene maya meg megan meghan melanie mercedes meredith mia
    mildred miranda molly monique myra nadine natasha nell nora norma octavia olga paige
    pauline pearl peggy phyllis polly rachael ramona regina renee rhonda rita roberta robyn
    rosalind rosemary rosie roxanne sabrina sadie selena serena shelby sheryl shirley simone
    sofia sonya stella sylvia tamara tara tess thelma tracey trisha vera veronica vicki viola
    violet virginia vivian wanda whitney yolanda yvonne zelda
    """
)
# Given names that are as often a word, a place or a surname standing first ("Will Trump
# win", "Virginia Gov.", "Clinton Foundation"): never evidence of a name on their own.
NOT_GIVEN_NAMES = {
    "will", "summer", "faith", "joy", "dawn", "dallas", "sydney", "virginia", "grant", "chase",
    "pearl", "august", "clinton", "carter", "mason", "wilson", "nelson", "harris", "jackson",
    "morgan", "logan", "kendall", "ginger", "daisy", "crystal", "hazel", "holly", "jade",
    "christian", "angel", "miles", "homer", "max", "rex", "trump", "georgia", "april",
    "may", "china", "india", "jordan", "israel", "paris", "lincoln", "madison",
}  # fmt: skip

# Organisations, things and events named like people ("Census Bureau", "Marshall Plan",
# "Dick Clark Productions", "Aston Villa").
ORG_WORDS |= _words(
    """
    bureau plan plans productions production directorate laboratory laboratories lab labs
    convention coalition board research rights edition pro register pavilion design
    train award awards prize prizes festival trust society authority federation records
    studio studios pictures entertainment films orchestra band choir ensemble show tour
    series album system systems technologies technology solutions software industries
    ventures airways railways rail pharmaceuticals clinic medical academy arena plaza mall
    market markets exchange reserve budget amendment constitution code directive regulation
    mission movement revolution crisis scandal report survey poll census talks pact protocol
    declaration doctrine strategy policy reform qaeda villa united city rovers wanderers
    athletic hotspur albion wednesday dynamo sporting olympique galaxy lakers celtics
    warriors bulls knicks yankees mets browns steelers patriots cowboys giants jets eagles
    raiders packers bears lions saints chiefs rams seahawks broncos
    """
)
PLACES |= _words(
    """
    jersey dakota manhattan midtown brooklyn bronx harlem moines vegas orleans maryland
    colorado utah oregon connecticut illinois indiana missouri minnesota louisiana oklahoma
    kansas nebraska arkansas mississippi montana idaho wyoming alaska hawaii maine vermont
    delaware rhode westchester mongolia tibet hong kong singapore thailand malaysia
    philippines bangladesh nepal sri lanka myanmar peru ecuador bolivia uruguay paraguay
    cuba haiti jamaica ghana uganda tanzania zimbabwe zambia angola senegal mali niger
    congo rwanda yorkshire lancashire essex surrey sussex devon cornwall
    glasgow manchester liverpool birmingham leeds bristol cardiff oxford cambridge
    boston seattle atlanta miami houston dallas denver phoenix detroit philadelphia
    baltimore cleveland pittsburgh tampa sacramento albuquerque nashville
    memphis milwaukee louisville portland
    """
)
DEMONYMS |= _words(
    """
    islamic olympic jewish filipino muslim catholic hispanic latino latina asian african
    arab kurdish christian evangelical protestant sunni shia shiite mexican-american
    african-american
    """
)
# Given names of the US census of 1990 (the 1,500 most common women's names and the 800
# most common men's, as shipped by the MIT-licensed ``names`` package 0.3.0), less the
# ones that are also among the 3,000 most common surnames, words written in lower case
# in news text, places and organisation words: a wider net for given names the lists
# above lack, kept as plain data here (nothing is read at run time).
GIVEN_NAMES |= _words(
    """
    adan adolfo adolph agustin alfonso alphonso alvaro armand arron aurelio beau benito
    bernardo blaine branden bret bryon carmelo cesar charley cliff collin curt cyril
    damien dane danial daren darin darrel darrin darryl darwin delbert delmar demetrius
    derick derrick dion dirk domingo dominick donnell donny dylan edmund edwardo efrain
    elbert eldon eli elvin elvis elwood emanuel emmett emory erick ernie errol esteban
    federico fidel freddy frederic fredrick galen garry garth genaro gerardo gilberto
    giovanni gonzalo gregorio guillermo gustavo harlan heriberto herschel hiram hubert
    humberto ignacio ira isidro ismael issac jamal jarrod jasper jayson jeffery jeffry
    jerald jeremiah jermaine joey johnathan johnathon jonathon josue julio kelvin kermit
    kristopher kurtis lamont landon laurence leland leonardo leonel levi linwood louie
    lowell marcel marcelino marcos mariano marlon mathew mauricio micah moises monty
    myron ned nestor nickolas norbert octavio orville pasquale percy quincy quinton
    ramiro randal raphael raymundo reuben reynaldo rickey rickie rigoberto robby rocco
    roderick rodger rodolfo rodrigo rogelio rolando ronny roscoe royce rufus russel
    rusty salvatore sammy saul scot scotty sergio silas sonny stan stephan stevie
    terence terrance thaddeus theron timmy tomas trenton tristan ulysses vern vicente
    vito wendell wilbert wilford wilfred wilfredo wilmer winfred woodrow zachery
    """
)
FEMALE_GIVEN_NAMES |= _words(
    """
    abbie addie adela adelaida adelaide adelina adeline adell adrianne adrienne aida
    aimee alaina alba alberta alda alecia alejandra alene aletha alexa alfreda alina
    aline alisa alissa allene allie allyson alpha alta althea alvina alyce alyson amalia
    amie amparo andra andria angelia angelica angeline angelique angelita anissa
    annabelle annamarie annemarie annetta annmarie antionette antoinette antonette
    araceli aretha ariana arleen arline ashlee ashleigh astrid athena audra augusta aura
    aurelia aurora avis barb becky belen bella belle belva benita bernadine bernice
    berniece berta bertha bertie beryl bessie bette bettie bettina bettye beulah
    beverley birdie blanca bobbi bonita brandi brandie brandy breanna brenna briana
    bridgett bridgette brittney brook caitlin callie camille candi candice candida candy
    caren cari caridad carissa carlene carlotta carmel carmela carmelita carmella carole
    carrol caryn casandra cassie catalina catharine cathie cathleen cathrine cathryn
    catina catrina cecelia cecile celestine celia celina chanda chandra chanel chantel
    charla charleen charline charmaine chasity chastity chelsey cheri cherie chiquita
    christal christen christi christin chrystal cindi clare clarice clarissa claudine
    clementine coleen colette collette concepcion concetta consuelo cora cordelia cori
    corina corine corinne cornelia corrie corrine cortney cristal cristy dalia damaris
    danelle danette daniela danita danna dara darcy darla darleen dawna dayna deana
    deann deanna deanne debby debi debora debrah dee deena deidra deidre deirdre delfina
    delilah della delma delois delores deloris delphine demetria dena denice desiree
    dessie dian diann dianna dinah dionne dixie dollie dolly dominga dona dorcas dorene
    doretha dorothea dorris dortha dorthy dottie dovie dulce earlene earline earnestine
    ebony edwina edythe effie elba elda eleanore elia elida elinor elisabeth elisha
    elissa elizebeth ellie elma elnora eloisa eloise elouise elsie elva elvia elvira
    elyse emilie enid ericka erlinda erma erna ernestina ernestine esmeralda esperanza
    essie estela estella ester ethel etta eula eulalia eunice evangelina evangeline
    evette fabiola fannie fanny fawn faye felecia felicia felicita fern filomena flor
    flora florine flossie floy fran francesca francine francisca freda freida frieda
    gabriella gaye gayla gayle gena genoveva georgette georgiana georgianna georgie
    georgina geri germaine gerri gertie gertrude gilda ginny gisela glenda glenna goldie
    gracie graciela gregoria greta griselda guillermina gussie hallie harriett harriette
    hattie haydee hayley helena helene helga hellen henrietta herlinda herminia hilda
    hildegard holli hollie hortencia ida idella ila ilene ima imelda imogene ina ines
    inez iola iona ione irma isabell isabelle iva ivette ivonne ivory jacklyn jaclyn
    jacque jacquelin jacquline jami janeen janel janell janette janie janine janis janna
    jannette jannie jaqueline jasmin jayme jayne jeana jeanie jeanine jeanna jeannette
    jeannie jeannine jena jenifer jennie jeri jerri jesica jewel joann jodie joelle
    johanna johnna jolene joni jonnie josefa josefina josette josie jovita juana juli
    julianna julianne juliette justina kaitlin kaitlyn kami kara kari karla karol karon
    karrie karyn kasey katelyn katharine katheryn kathi kathie kathrine katina kayla
    keisha kellie keri kerrie kesha keshia kia kimberlee kimberley kira kisha kitty
    krista kristal kristie kristin kristine kristy krystal krystle kyla ladonna lakeisha
    lakesha lakisha lan laquita larissa lashawn lashonda latanya latasha latisha latonia
    latonya latosha latoya latrice latricia laureen laurel lauretta lauri laurie lavern
    lavonne lawanda lea leann leanna leanne leeann leigh leilani leisa lela lelia lenora
    lenore leola leona leonor leonora leora leota lesa lessie leta letha leticia letitia
    lettie lia lidia lilia lilian liliana lillie lina lindy linnie lisette lissette
    lizette lizzie lola lolita lona lora loraine lorena lorene lori lorie lorine lorna
    lorri lorrie lottie louann louella louisa lourdes luann luanne lucila lucile lucinda
    lucretia luella luisa lula lulu lupe lura luz lyn lynda lynette lynne lynnette mable
    madeline madelyn madge madonna mae magda magdalena magdalene mai majorie malinda
    malissa mamie mandi manuela mara marcela marcelina marcella marcelle marci marcie
    marcy marge margery margie margo margot margret marguerite mari mariah mariam
    mariana mariann marianna maribel maricela marietta marilynn marisa marisela marisol
    marissa maritza marjory marla marlena marlyn marlys marnie marquita marta martina
    marva maryann maryanne marybeth maryellen maryjane marylou matilda matilde mattie
    maud maude maudie maura maurine mavis mayme mayra meagan meaghan mei melba melinda
    melisa mellisa mellissa melodie melody melva melvina micaela michaela michell
    migdalia milagros millicent millie mimi mina mindy minerva minnie miriam mirna missy
    misti misty mitzi mollie mona monika mozelle muriel myrna myrtis myrtle nakia nan
    nanette nannie nathalie natividad nedra nelda nellie nelly nereida nettie neva
    nichole nicki niki nilda nita noelle noemi nola nona noreen ofelia ola oleta olive
    oma ona opal ophelia ora oralia pam pamala pansy patrica patrice patsy patti pattie
    patty paulette paulina pearlie pearline penelope perla petra phillis philomena
    phoebe pilar portia pricilla priscilla racheal rachelle rae rafaela randi raquel
    raven reba rebeca rebekah reina rena renae renata renate renita reta retha reva rhea
    rhoda richelle robbin rochelle rocio roma romona ronda rosalba rosalee rosalia
    rosalie rosalina rosalinda rosalyn rosanna rosanne roseann roseanne rosella roselyn
    rosemarie rosetta rosina rosita roslyn rowena roxana roxann roxanna roxie rubye
    ruthann ruthie sabina sallie samatha sandi sandy santa sasha saundra savannah
    scarlett selina selma shameka shana shanda shanna shanon shanta shante shantel shari
    sharla sharlene sharonda sharron sharyn shauna shawna shayla sheena shelia shelli
    shellie shelly sheree sheri sherri sherrie sherry shiela shirlene shonda silvia
    socorro soledad sondra sonja sophia staci stacia stacie stefanie stephany stephenie
    sunny susana susanna susanne susie suzan suzanna suzette sybil tabatha tabitha
    tameka tamela tamera tami tamika tammi tammie tamra tana tania tanisha taryn tasha
    tatiana tawana tena tera terese teresita teressa teri terra terri terrie tessa
    tessie thea theda theodora therese tia tiana tiara tiffani tillie tisha tomasa toni
    tonia tonja tonya tori tosha traci tracie trena treva tricia trina trinidad trista
    trudy twila twyla tyra una vada valarie valentina valeria valorie veda velda velma
    venessa venita venus verda verla verna vernell vernice vesta vickey vickie vicky
    vida vikki vilma violeta virgie virgina viviana vonda wendi wilda wilhelmina willa
    wilma winifred winnie winnifred winona yadira yesenia yong yvette zella zelma
    zenaida zoila
    """
)
GIVEN_NAMES |= _words(
    """
    alva aubrey bennie billie bobbie cleo donnie gerry guadalupe jaime jessie jimmie
    jody johnnie kris laverne lonnie loren merle mickey ollie rene robbie sammie stacey
    tommie
    """
)
UNISEX_GIVEN_NAMES |= _words(
    "alva aubrey bennie billie bobbie cleo donnie gerry guadalupe jaime jessie jimmie jody johnnie kris laverne lonnie loren merle mickey ollie rene robbie sammie stacey tommie"
)
STOP |= _words("besides instead absent meanwhile nonetheless nevertheless whether")
ROLE_WORDS |= _words("staff coordinator assemblywoman assemblyman businessman businesswoman")
GIVEN_NAMES -= NOT_GIVEN_NAMES
FEMALE_GIVEN_NAMES -= NOT_GIVEN_NAMES
