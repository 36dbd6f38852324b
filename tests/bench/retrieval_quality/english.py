"""English notes with known answers: (heading, passage, keyword question, paraphrase).

The keyword question shares words with its passage; the paraphrase asks the same thing in
other words (``evaluate.py`` checks and reports how many content words they share).
"""

from __future__ import annotations

NOTES: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "travel/greece.md": (
        "Greece trip",
        [
            (
                "Ferry",
                "The ferry to Hydra leaves Piraeus at 7:40 from gate E8.",
                "When does the ferry to Hydra leave Piraeus?",
                "What time does the boat to the island depart from Athens' port?",
            ),
            (
                "Hotel",
                "Our hotel in Nafplio is the Amfitriti Pension, booked under Karim.",
                "Which hotel in Nafplio did we book?",
                "Where are we staying overnight in that seaside town?",
            ),
            (
                "Car rental",
                "The rental car is collected at Athens airport desk 4, deposit 300 euros.",
                "Where do we collect the rental car?",
                "At which counter do we pick up the hired vehicle on arrival?",
            ),
            (
                "Museum",
                "The Acropolis Museum is closed on Mondays; tickets are 20 euros online.",
                "Is the Acropolis Museum open on Mondays?",
                "Which weekday can we not visit the ancient galleries in the capital?",
            ),
        ],
    ),
    "travel/japan.md": (
        "Japan notes",
        [
            (
                "Rail pass",
                "The JR Pass must be exchanged at Narita within 30 days of purchase.",
                "Where is the JR Pass exchanged?",
                "How long do I have to swap the train voucher after buying it?",
            ),
            (
                "Kyoto",
                "In Kyoto we stay at a ryokan near Gion, check-in after 15:00.",
                "When is check-in at the Kyoto ryokan?",
                "From what hour can we enter the traditional inn in the old capital?",
            ),
            (
                "Money",
                "Many small shops in Japan only take cash, so carry yen coins.",
                "Do small shops in Japan take cash only?",
                "Should I bring physical money for little stores over there?",
            ),
            (
                "Phone",
                "A pocket wifi router is reserved for pickup at the airport post office.",
                "Where do I pick up the pocket wifi router?",
                "How will I get mobile internet when landing?",
            ),
        ],
    ),
    "home/apartment.md": (
        "Apartment",
        [
            (
                "Landlord",
                "The landlord Mr. Haddad prefers calls after 6 pm on 0176 554 2231.",
                "When should I call the landlord Mr. Haddad?",
                "What is the best time to phone the owner of the flat?",
            ),
            (
                "Rent",
                "Rent of 1,150 euros is due on the 3rd of each month by transfer.",
                "When is the rent due?",
                "On which day of every month must the housing payment arrive?",
            ),
            (
                "Heating",
                "The boiler pressure should sit between 1.2 and 1.5 bar; refill at the blue valve.",
                "What should the boiler pressure be?",
                "How do I top up the hot water system when the gauge drops?",
            ),
            (
                "Keys",
                "A spare key is with the neighbour Leila in flat 2B.",
                "Who has the spare key?",
                "If I am locked out, which person next door can let me in?",
            ),
        ],
    ),
    "home/garden.md": (
        "Garden",
        [
            (
                "Olive tree",
                "Water the olive tree deeply once a week in summer, never in winter.",
                "How often should I water the olive tree?",
                "How frequently does the Mediterranean fruit plant need a drink during hot months?",
            ),
            (
                "Tomatoes",
                "Tomatoes go out after the ice saints in mid May, 60 cm apart.",
                "When do tomatoes go out?",
                "At what point in spring is it safe to plant the red vegetables outside?",
            ),
            (
                "Compost",
                "Turn the compost every two weeks and keep it as damp as a wrung sponge.",
                "How often should the compost be turned?",
                "How do I look after the heap of kitchen scraps in the yard?",
            ),
            (
                "Lawn",
                "The lawn mower blade was sharpened in April; next service at Gartenhaus Meyer.",
                "Where is the lawn mower serviced?",
                "Which shop looks after the grass cutting machine?",
            ),
        ],
    ),
    "health/medical.md": (
        "Health",
        [
            (
                "Dentist",
                "Dentist appointment with Dr. Karim on Tuesday 10:00, bring the X-ray.",
                "When is the dentist appointment with Dr. Karim?",
                "What day are my teeth being checked?",
            ),
            (
                "Allergy",
                "I am allergic to penicillin; the reaction in 2019 was a rash.",
                "Which antibiotic am I allergic to?",
                "What medicine must doctors never give me?",
            ),
            (
                "Vaccination",
                "Tetanus booster was given in March 2021; next due in 2031.",
                "When is the next tetanus booster due?",
                "In what year do I need my lockjaw shot again?",
            ),
            (
                "Eyes",
                "Glasses prescription: right -1.75, left -2.00, checked at Optik Braun.",
                "What is my glasses prescription?",
                "How strong are the lenses for my short sight?",
            ),
        ],
    ),
    "health/fitness.md": (
        "Fitness",
        [
            (
                "Running",
                "Long run on Sundays: 14 km along the river at an easy pace.",
                "How long is the Sunday long run?",
                "What distance do I jog at the weekend by the water?",
            ),
            (
                "Gym",
                "The gym membership at FitZone renews on 1 September and costs 29 euros a month.",
                "When does the FitZone gym membership renew?",
                "When will the workout club subscription be charged again?",
            ),
            (
                "Knee",
                "The physio said to ice the left knee for 15 minutes after each run.",
                "What did the physio say about the knee?",
                "How should I treat the sore joint after jogging?",
            ),
            (
                "Swimming",
                "The public pool has lane swimming on Wednesdays from 7 to 9 in the morning.",
                "When is lane swimming at the public pool?",
                "At what times can I do laps in the municipal baths?",
            ),
        ],
    ),
    "work/project-atlas.md": (
        "Project Atlas",
        [
            (
                "Deadline",
                "Project Atlas beta ships on 14 November; code freeze is 7 November.",
                "When does Project Atlas beta ship?",
                "What is the release date for the test version of our mapping product?",
            ),
            (
                "Budget",
                "Atlas has a budget of 85,000 euros, of which 20,000 is for contractors.",
                "What is the Atlas budget?",
                "How much money was allocated to the mapping initiative?",
            ),
            (
                "Stack",
                "Atlas uses PostgreSQL 16 with PostGIS and a Rust tile server.",
                "Which database does Atlas use?",
                "What storage engine powers the mapping product?",
            ),
            (
                "Risks",
                "Biggest risk for Atlas: the vendor API rate limit of 600 requests per minute.",
                "What is the biggest risk for Atlas?",
                "What could most likely derail the mapping initiative?",
            ),
        ],
    ),
    "work/team.md": (
        "Team",
        [
            (
                "Standup",
                "The team standup is every weekday at 9:15 in room Cedar.",
                "When is the team standup?",
                "At what time do we have our daily morning sync?",
            ),
            (
                "Onboarding",
                "New hires get their laptop from IT on day one and a buddy for two weeks.",
                "What do new hires get on day one?",
                "How are newcomers looked after when they join?",
            ),
            (
                "Holidays",
                "Sara is on holiday from 2 to 16 August; Omar covers her reviews.",
                "Who covers Sara's reviews during her holiday?",
                "Who takes over her approvals while she is away in summer?",
            ),
            (
                "Retro",
                "Retrospectives happen every second Friday using the sailboat format.",
                "How often are retrospectives?",
                "How regularly do we look back on how the sprint went?",
            ),
        ],
    ),
    "finance/budget.md": (
        "Budget",
        [
            (
                "Groceries",
                "Monthly grocery budget is 450 euros; last month we spent 512.",
                "What is the monthly grocery budget?",
                "How much can we spend on food shopping every four weeks?",
            ),
            (
                "Savings",
                "Emergency fund target: three months of expenses, about 7,500 euros.",
                "What is the emergency fund target?",
                "How big should the rainy-day reserve be?",
            ),
            (
                "Subscriptions",
                "Streaming subscriptions cost 38 euros a month; cancel the sports one in June.",
                "How much do streaming subscriptions cost?",
                "What do we pay each month for films and series online?",
            ),
            (
                "Insurance",
                "Household insurance with Allianz renews in January at 142 euros a year.",
                "When does the household insurance renew?",
                "When is the cover for our belongings up for extension?",
            ),
        ],
    ),
    "finance/taxes.md": (
        "Taxes",
        [
            (
                "Deadline",
                "The tax return is due on 31 July; the accountant needs papers by 15 June.",
                "When is the tax return due?",
                "By what date must the yearly filing to the revenue office be done?",
            ),
            (
                "Accountant",
                "Our accountant is Nadia Farouk, fee 380 euros per return.",
                "Who is our accountant?",
                "Which person prepares the paperwork for the revenue office?",
            ),
            (
                "Deductions",
                "Home office deduction: 6 euros per day worked at home, up to 1,260 euros.",
                "How much is the home office deduction?",
                "What can I claim for working from my flat?",
            ),
            (
                "Receipts",
                "Donation receipts are in the green folder on the top shelf.",
                "Where are the donation receipts?",
                "Where did I file the proofs of charity gifts?",
            ),
        ],
    ),
    "cooking/recipes.md": (
        "Recipes",
        [
            (
                "Hummus",
                "For hummus, blend chickpeas with tahini, lemon, garlic and ice water.",
                "What goes into the hummus?",
                "How do I make the creamy dip from garbanzo beans?",
            ),
            (
                "Bread",
                "The sourdough proofs 12 hours in the fridge and bakes at 250 degrees.",
                "How long does the sourdough proof?",
                "How much time does the fermented loaf rest overnight in the cold?",
            ),
            (
                "Falafel",
                "Falafel needs dried, soaked chickpeas, never canned, or it falls apart.",
                "Can I use canned chickpeas for falafel?",
                "Why do my fried bean balls crumble?",
            ),
            (
                "Curry",
                "Grandma's lentil curry uses two teaspoons of cumin and a cinnamon stick.",
                "How much cumin goes in the lentil curry?",
                "Which spices does my grandmother put in her dal?",
            ),
        ],
    ),
    "cooking/pantry.md": (
        "Pantry",
        [
            (
                "Rice",
                "Basmati rice is in the tall glass jar; buy the 5 kg bag at the Asian market.",
                "Where do we buy basmati rice?",
                "Which store sells the big sack of long grain for us?",
            ),
            (
                "Spices",
                "Spices are labelled and sorted alphabetically in the left drawer.",
                "Where are the spices kept?",
                "In which kitchen compartment do I find seasoning?",
            ),
            (
                "Oil",
                "We use the Cretan olive oil for salads and sunflower oil for frying.",
                "Which oil is for frying?",
                "What do we cook with in the deep pan?",
            ),
            (
                "Flour",
                "Bread flour type 1050 is in the pantry; the 405 is for cakes.",
                "Which flour is for cakes?",
                "What kind of baking powder-like white powder do I use for sponges?",
            ),
        ],
    ),
    "car/maintenance.md": (
        "Car",
        [
            (
                "Service",
                "The car is due for service at 60,000 km at Autohaus Klein.",
                "When is the car due for service?",
                "At what mileage does the vehicle need its next inspection?",
            ),
            (
                "Tyres",
                "Winter tyres are stored at the garage, collect them in October.",
                "Where are the winter tyres stored?",
                "Who keeps the cold-season wheels until autumn?",
            ),
            (
                "Pressure",
                "Tyre pressure is 2.3 bar front and 2.1 bar rear.",
                "What is the tyre pressure?",
                "How much air should the wheels have?",
            ),
            (
                "Parking",
                "The residents' parking permit expires on 30 April and costs 30 euros.",
                "When does the parking permit expire?",
                "When must I renew the permission to leave the vehicle on our street?",
            ),
        ],
    ),
    "tech/laptop.md": (
        "Laptop",
        [
            (
                "Backup",
                "The laptop backs up to the NAS every night at 2 am with Borg.",
                "When does the laptop back up?",
                "At what hour are my computer files copied to the storage box?",
            ),
            (
                "Battery",
                "The laptop battery was replaced in May under warranty.",
                "When was the laptop battery replaced?",
                "Has the notebook's power cell ever been swapped?",
            ),
            (
                "Disk",
                "Encrypted disk passphrase hint: the street of the first flat plus the year.",
                "What is the disk passphrase hint?",
                "What reminds me of the secret needed to unlock the drive?",
            ),
            (
                "Charger",
                "The USB-C charger must deliver at least 65 watts.",
                "How many watts does the charger need?",
                "How powerful must the power adapter be?",
            ),
        ],
    ),
    "tech/home-network.md": (
        "Home network",
        [
            (
                "Wifi",
                "The wifi password is on the fridge; the router is in the hallway cupboard.",
                "Where is the wifi password?",
                "How do guests get onto the wireless internet?",
            ),
            (
                "Printer",
                "The printer has the fixed address 192.168.1.40.",
                "What is the printer's address?",
                "Which IP does the paper output device use?",
            ),
            (
                "Provider",
                "Internet provider is Telekom, contract number 88-4471-20, ends in March.",
                "What is the Telekom contract number?",
                "How do I identify our broadband agreement when I phone the company?",
            ),
            (
                "NAS",
                "The NAS admin page is at port 5001 and disks were checked in January.",
                "Which port is the NAS admin page on?",
                "How do I reach the storage box management screen?",
            ),
        ],
    ),
    "family/birthdays.md": (
        "Birthdays",
        [
            (
                "Mum",
                "Mum's birthday is 12 March; she wants the blue scarf from the market.",
                "When is Mum's birthday?",
                "What gift does my mother want this year?",
            ),
            (
                "Yusuf",
                "Yusuf turns 7 on 4 June; party at the climbing hall at 15:00.",
                "When is Yusuf's party?",
                "Where is the boy celebrating turning seven?",
            ),
            (
                "Grandpa",
                "Grandpa's 80th is on 21 October in Alexandria; book flights early.",
                "Where is Grandpa's 80th?",
                "In which Egyptian city is the old man's big celebration?",
            ),
            (
                "Anniversary",
                "Our wedding anniversary is 9 September; dinner at Zaytoun.",
                "Where is the anniversary dinner?",
                "Which restaurant did we pick to celebrate our marriage?",
            ),
        ],
    ),
    "family/school.md": (
        "School",
        [
            (
                "Teacher",
                "Lina's teacher is Mrs. Becker; parent evening on 18 November.",
                "Who is Lina's teacher?",
                "What is the name of the woman who teaches my daughter?",
            ),
            (
                "Lunch",
                "School lunch costs 4.20 euros per day and is paid quarterly.",
                "How much does school lunch cost?",
                "What do we pay for the midday meal at the kids' place of learning?",
            ),
            (
                "Holidays",
                "Autumn school holidays are from 21 October to 1 November.",
                "When are the autumn school holidays?",
                "When is the break from classes in fall?",
            ),
            (
                "Bus",
                "The school bus leaves the corner stop at 7:25.",
                "When does the school bus leave?",
                "At what time is the pickup for the children's coach?",
            ),
        ],
    ),
    "reading/books.md": (
        "Books",
        [
            (
                "Current",
                "Currently reading The Dawn of Everything, at chapter 6.",
                "Which book am I currently reading?",
                "What title is on my nightstand at the moment?",
            ),
            (
                "Borrowed",
                "Lent Season of Migration to the North to Tarek in February.",
                "Who did I lend Season of Migration to the North to?",
                "Which friend has my Sudanese novel?",
            ),
            (
                "Wishlist",
                "Wishlist: Piranesi, The Overstory and a new Mahfouz translation.",
                "What is on my book wishlist?",
                "Which novels would I like as gifts?",
            ),
            (
                "Club",
                "The reading club meets the last Thursday of the month at the library cafe.",
                "When does the reading club meet?",
                "When is the literature circle gathering?",
            ),
        ],
    ),
    "pets/cat.md": (
        "Cat",
        [
            (
                "Vet",
                "Mishmish sees the vet Dr. Ortiz yearly; next vaccination in February.",
                "When is the cat's next vaccination?",
                "When does our kitty need her next shot at the animal doctor?",
            ),
            (
                "Food",
                "Mishmish eats 60 g of grain-free dry food a day, split in two meals.",
                "How much does Mishmish eat?",
                "What daily portion does our pet get?",
            ),
            (
                "Sitter",
                "The cat sitter is Jonas, 15 euros per visit, key under the plant pot.",
                "Who is the cat sitter?",
                "Who feeds our pet when we travel?",
            ),
            (
                "Litter",
                "Clumping litter from the pet shop; change it fully every Saturday.",
                "When is the litter changed?",
                "On which day is the toilet tray fully refreshed?",
            ),
        ],
    ),
    "events/wedding.md": (
        "Rami's wedding",
        [
            (
                "Venue",
                "Rami's wedding is at the Villa Rosa, 200 guests, ceremony at 16:00.",
                "Where is Rami's wedding?",
                "Which estate hosts my friend's marriage celebration?",
            ),
            (
                "Gift",
                "We chip in 150 euros for the couple's honeymoon fund.",
                "What is our wedding gift?",
                "How much are we contributing to the newlyweds' trip?",
            ),
            (
                "Dress code",
                "Dress code is summer formal; no white.",
                "What is the dress code?",
                "What should we wear to the celebration?",
            ),
            (
                "Hotel",
                "We booked two nights at the Hotel Seeblick near the venue.",
                "Which hotel did we book for the wedding?",
                "Where do we sleep for the marriage weekend?",
            ),
        ],
    ),
    "learning/guitar.md": (
        "Guitar",
        [
            (
                "Lessons",
                "Guitar lessons with Marco on Thursdays at 18:30, 35 euros each.",
                "When are guitar lessons?",
                "On which evening do I practise with my music tutor?",
            ),
            (
                "Strings",
                "Use 10-46 gauge strings; change them every three months.",
                "Which string gauge do I use?",
                "How thick should the wires on my instrument be?",
            ),
            (
                "Song",
                "Currently learning Blackbird; the tricky part is the bar 12 stretch.",
                "Which song am I learning?",
                "What Beatles piece am I working on?",
            ),
            (
                "Tuning",
                "For the DADGAD pieces retune after every session.",
                "What tuning do the pieces use?",
                "Which alternative pitch setup is needed for those tunes?",
            ),
        ],
    ),
    "learning/spanish.md": (
        "Spanish",
        [
            (
                "Course",
                "Spanish B1 course at the Volkshochschule, Mondays 19:00 to 20:30.",
                "When is the Spanish course?",
                "When is my language class for Castilian?",
            ),
            (
                "Exam",
                "DELE B1 exam registration closes on 10 April; fee 160 euros.",
                "When does the DELE exam registration close?",
                "What is the last day to sign up for the official proficiency test?",
            ),
            (
                "Tandem",
                "Tandem partner Lucia meets me at the cafe on Saturdays.",
                "Who is my tandem partner?",
                "Who do I trade conversation practice with at weekends?",
            ),
            (
                "Verbs",
                "Irregular verbs to drill: tener, poner, salir, venir, decir.",
                "Which irregular verbs should I drill?",
                "Which tricky conjugations must I practise?",
            ),
        ],
    ),
    "work/meetings.md": (
        "Meetings",
        [
            (
                "One to one",
                "One-to-one with my manager Hana every other Wednesday at 14:00.",
                "When is the one-to-one with Hana?",
                "How often do I sit down privately with my boss?",
            ),
            (
                "Board",
                "Quarterly board review on 5 December; slides due 28 November.",
                "When are the board review slides due?",
                "By when must the deck for the directors be ready?",
            ),
            (
                "Client",
                "Client call with Nordwind every Tuesday at 11:00 on Teams.",
                "When is the Nordwind client call?",
                "When do we speak weekly with that customer?",
            ),
            (
                "Offsite",
                "The team offsite is in Leipzig on 12 and 13 March.",
                "Where is the team offsite?",
                "In which city do colleagues gather away from the office?",
            ),
        ],
    ),
    "home/utilities.md": (
        "Utilities",
        [
            (
                "Electricity",
                "Electricity meter reading on 1 January was 48,213 kWh.",
                "What was the electricity meter reading?",
                "What number did the power counter show at new year?",
            ),
            (
                "Water",
                "The main water valve is behind the washing machine.",
                "Where is the main water valve?",
                "How do I shut off the supply if a pipe bursts?",
            ),
            (
                "Rubbish",
                "Paper bins are emptied every second Monday, plastic on Fridays.",
                "When are the paper bins emptied?",
                "Which day is cardboard collected?",
            ),
            (
                "Chimney",
                "The chimney sweep comes in October; leave the cellar open.",
                "When does the chimney sweep come?",
                "When is the flue cleaner visiting?",
            ),
        ],
    ),
    "travel/packing.md": (
        "Packing list",
        [
            (
                "Documents",
                "Passports expire in 2029; Lina's needs renewal before the summer trip.",
                "When do the passports expire?",
                "Which travel papers have to be renewed?",
            ),
            (
                "Adapter",
                "The UK trip needs type G plug adapters, two are in the travel pouch.",
                "Which plug adapter does the UK need?",
                "What socket converter do I pack for Britain?",
            ),
            (
                "Medicine",
                "Pack the travel pharmacy: plasters, ibuprofen and motion sickness pills.",
                "What goes in the travel pharmacy?",
                "Which first aid items do I bring on holiday?",
            ),
            (
                "Luggage",
                "Cabin bags must be under 8 kg on the budget airline.",
                "What is the cabin bag limit?",
                "How heavy may the carry-on be on cheap flights?",
            ),
        ],
    ),
}
