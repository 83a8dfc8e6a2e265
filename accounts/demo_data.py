"""Realistic demo content for `manage.py seed_demo`: mentors across fields, zones and languages.

People are paired with profiles by a seeded random generator, so every run builds the same data.
"""

from __future__ import annotations

DEMO_PASSWORD = "mentor-demo-2027"
DEMO_DOMAIN = "demo.mentorship.local"

# Canonical skills and industries with the synonyms people type instead.
SKILLS: dict[str, str] = {
    "Python": "py, python3", "JavaScript": "JS, ECMAScript", "TypeScript": "TS", "React": "ReactJS, React.js",
    "Go": "golang", "Java": "", "Kubernetes": "k8s", "AWS": "Amazon Web Services", "System design": "architecture, distributed systems",
    "Backend engineering": "backend, server-side", "Frontend engineering": "frontend, front-end", "iOS": "Swift, iPhone",
    "Android": "Kotlin", "DevOps": "SRE, site reliability", "Security": "infosec, cybersecurity, appsec",
    "Machine learning": "ML, deep learning", "Data science": "data analysis, analytics", "SQL": "PostgreSQL, MySQL",
    "Data engineering": "ETL, pipelines, dbt", "Statistics": "stats, A/B testing, experimentation",
    "Product management": "PM, product manager", "Product strategy": "roadmapping, roadmap", "User research": "UX research",
    "UX design": "UX, user experience", "UI design": "visual design, interface design", "Figma": "",
    "Design systems": "component libraries", "Brand design": "branding, identity",
    "Content marketing": "content, copywriting", "SEO": "search engine optimisation, search engine optimization",
    "Growth marketing": "growth, growth hacking", "Performance marketing": "paid ads, PPC, SEM",
    "Financial modelling": "financial modeling, excel models", "Fundraising": "venture capital, VC, raising money",
    "Accounting": "bookkeeping, CPA", "Personal finance": "budgeting, investing", "FP&A": "financial planning",
    "Contract law": "contracts", "Employment law": "labour law, labor law", "Privacy law": "GDPR, data protection",
    "Startup law": "incorporation, term sheets", "Clinical practice": "medicine, clinician",
    "Nursing": "RN", "Health tech": "digital health, healthtech", "Public health": "epidemiology",
    "Public speaking": "presentations, speaking, keynotes", "Storytelling": "narrative",
    "Leadership": "leading teams", "Engineering management": "EM, managing engineers",
    "Career change": "career switch, changing careers, career pivot", "Interview preparation": "interviews, interviewing",
    "Salary negotiation": "negotiation, compensation", "Resume review": "CV, cv review, resume",
    "Sales": "B2B sales, selling", "Customer success": "CS, account management", "Entrepreneurship": "founders, startups",
    "Writing": "technical writing, blogging", "Teaching": "education, instruction", "Project management": "agile, scrum",
}

INDUSTRIES: dict[str, str] = {
    "Software": "SaaS, tech", "Fintech": "financial technology", "Banking": "finance",
    "Healthcare": "health, hospitals", "E-commerce": "ecommerce, retail online", "Media": "publishing, news",
    "Education": "edtech", "Government": "public sector", "Consulting": "professional services",
    "Legal": "law firms", "Non-profit": "NGO, charity", "Manufacturing": "industry",
    "Energy": "climate, renewables", "Gaming": "video games", "Marketing agencies": "agency",
}

# (name, IANA zone, languages spoken besides English where relevant)
PEOPLE: list[tuple[str, str, list[str]]] = [
    ("Lena Hoffmann", "Europe/Berlin", ["en", "de"]), ("Jonas Becker", "Europe/Berlin", ["de", "en"]),
    ("Miriam Schulz", "Europe/Berlin", ["de", "en", "fr"]), ("Tobias Wagner", "Europe/Vienna", ["de", "en"]),
    ("Sophie Martin", "Europe/Paris", ["fr", "en"]), ("Hugo Lefèvre", "Europe/Paris", ["fr", "en", "es"]),
    ("Camille Dubois", "Europe/Brussels", ["fr", "nl", "en"]), ("Pieter de Vries", "Europe/Amsterdam", ["nl", "en", "de"]),
    ("Lucía Fernández", "Europe/Madrid", ["es", "en"]), ("Javier Morales", "Europe/Madrid", ["es", "en", "ca"]),
    ("Giulia Romano", "Europe/Rome", ["it", "en"]), ("Marco Bianchi", "Europe/Rome", ["it", "en", "es"]),
    ("Aisha Rahman", "Europe/London", ["en", "bn"]), ("Oliver Bennett", "Europe/London", ["en"]),
    ("Hannah Clarke", "Europe/Dublin", ["en"]), ("Anna Kowalska", "Europe/Warsaw", ["pl", "en"]),
    ("Erik Lindqvist", "Europe/Stockholm", ["sv", "en"]), ("Olena Shevchenko", "Europe/Kyiv", ["uk", "en", "pl"]),
    ("Mehmet Yılmaz", "Europe/Istanbul", ["tr", "en"]), ("Nadia Haddad", "Asia/Dubai", ["ar", "en", "fr"]),
    ("Priya Sharma", "Asia/Kolkata", ["hi", "en"]), ("Arjun Nair", "Asia/Kolkata", ["en", "hi", "ta"]),
    ("Kavya Reddy", "Asia/Kolkata", ["te", "en", "hi"]), ("Rohan Mehta", "Asia/Kolkata", ["hi", "en", "mr"]),
    ("Farhan Siddiqui", "Asia/Karachi", ["ur", "en"]), ("Tanvir Ahmed", "Asia/Dhaka", ["bn", "en"]),
    ("Wei Zhang", "Asia/Shanghai", ["zh", "en"]), ("Mei Lin", "Asia/Singapore", ["zh", "en", "ms"]),
    ("Haruto Sato", "Asia/Tokyo", ["ja", "en"]), ("Yuki Tanaka", "Asia/Tokyo", ["ja", "en"]),
    ("Ji-woo Park", "Asia/Seoul", ["ko", "en"]), ("Siti Nurhaliza", "Asia/Jakarta", ["id", "en"]),
    ("Nguyen Thi Lan", "Asia/Ho_Chi_Minh", ["vi", "en"]), ("Maria Santos", "Asia/Manila", ["tl", "en"]),
    ("Chloe Nguyen", "Australia/Sydney", ["en", "vi"]), ("Liam O'Connor", "Australia/Sydney", ["en"]),
    ("Grace Wilson", "Australia/Melbourne", ["en"]), ("Aroha Ngata", "Pacific/Auckland", ["en"]),
    ("Beatriz Costa", "America/Sao_Paulo", ["pt", "en", "es"]), ("Rafael Oliveira", "America/Sao_Paulo", ["pt", "en"]),
    ("Camila Rojas", "America/Bogota", ["es", "en"]), ("Diego Hernández", "America/Mexico_City", ["es", "en"]),
    ("Valentina Gómez", "America/Argentina/Buenos_Aires", ["es", "en", "it"]), ("Mateo Silva", "America/Santiago", ["es", "en"]),
    ("Sarah Johnson", "America/New_York", ["en"]), ("Marcus Williams", "America/New_York", ["en"]),
    ("Emily Chen", "America/New_York", ["en", "zh"]), ("David Goldberg", "America/New_York", ["en", "he"]),
    ("Jasmine Patel", "America/Chicago", ["en", "hi"]), ("Carlos Ramírez", "America/Chicago", ["es", "en"]),
    ("Rachel Kim", "America/Denver", ["en", "ko"]), ("Tyler Brooks", "America/Denver", ["en"]),
    ("Olivia Martinez", "America/Los_Angeles", ["en", "es"]), ("Noah Thompson", "America/Los_Angeles", ["en"]),
    ("Ava Robinson", "America/Los_Angeles", ["en", "fr"]), ("Ethan Wright", "America/Toronto", ["en", "fr"]),
    ("Chloé Tremblay", "America/Toronto", ["fr", "en"]), ("Amara Okafor", "Africa/Lagos", ["en", "yo"]),
    ("Kwame Mensah", "Africa/Accra", ["en"]), ("Wanjiru Kamau", "Africa/Nairobi", ["sw", "en"]),
    ("Thabo Nkosi", "Africa/Johannesburg", ["en"]), ("Yonas Tesfaye", "Africa/Addis_Ababa", ["am", "en"]),
    ("Layla Hassan", "Africa/Cairo", ["ar", "en"]), ("Ines Carvalho", "Europe/Lisbon", ["pt", "en", "fr"]),
    ("Nikos Papadopoulos", "Europe/Athens", ["el", "en"]), ("Petra Novák", "Europe/Prague", ["cs", "en", "de"]),
    ("Mikko Virtanen", "Europe/Helsinki", ["fi", "en", "sv"]), ("Zoltán Kovács", "Europe/Budapest", ["hu", "en", "de"]),
]

# Per field: (industries, [(headline, skills, bio)]). Bios are written the way mentors write them.
FIELDS: dict[str, tuple[list[str], list[tuple[str, list[str], str]]]] = {
    "engineering": (["Software", "Fintech", "E-commerce"], [
        ("Staff engineer helping backend developers grow into tech leads",
         ["Backend engineering", "System design", "Python", "Go"],
         "{years} years building payment and ledger systems. I can help you prepare a design doc, review an "
         "architecture, or plan the step from senior to staff."),
        ("Frontend lead: React, TypeScript and shipping accessible UIs",
         ["Frontend engineering", "React", "TypeScript", "JavaScript"],
         "I led the frontend rewrite of a large e-commerce site. Ask me about component architecture, "
         "performance budgets and accessibility audits."),
        ("Platform engineer who has run Kubernetes in production since its early days",
         ["Kubernetes", "DevOps", "AWS", "Go"],
         "{years} years of on-call war stories, infrastructure as code, and how to make a platform team loved by its users."),
        ("Mobile engineer, iOS and Android, from side project to App Store",
         ["iOS", "Android", "System design"],
         "I have shipped twelve apps. Bring your crash logs, your release process or your first app idea."),
        ("Application security engineer, ex-pentester",
         ["Security", "Backend engineering"],
         "Threat modelling, secure code review and breaking into security from a developer role."),
        ("Engineering manager coaching first-time managers",
         ["Engineering management", "Leadership", "Interview preparation"],
         "{years} years in engineering; today I manage three teams at a fintech. One-on-ones, performance reviews and hiring loops are my daily work."),
    ]),
    "design": (["Software", "Media", "Marketing agencies"], [
        ("Product designer: from wireframe to shipped feature",
         ["UX design", "UI design", "Figma", "User research"],
         "Portfolio reviews, design critiques and how to work with engineers without losing your mind."),
        ("Design systems lead for a 40-person product org",
         ["Design systems", "UI design", "Figma", "Frontend engineering"],
         "Tokens, components, governance and adoption: I built and run our design system."),
        ("UX researcher who turns interviews into decisions",
         ["User research", "UX design", "Statistics"],
         "Recruiting participants, interview guides, synthesis and presenting findings that change roadmaps."),
        ("Brand designer and art director",
         ["Brand design", "UI design", "Storytelling"],
         "Identity systems for start-ups and cultural institutions. Happy to review portfolios and pricing."),
    ]),
    "product": (["Software", "E-commerce", "Healthcare"], [
        ("Group product manager, B2B SaaS",
         ["Product management", "Product strategy", "User research"],
         "Prioritisation, roadmaps people believe in, and the jump from PM to group PM."),
        ("Product manager who switched from engineering",
         ["Product management", "Career change", "Interview preparation"],
         "{years} years in software, the first six as a developer, then product. Ask me how to make the switch."),
        ("Head of product at a health-tech start-up",
         ["Product strategy", "Health tech", "Leadership"],
         "Regulated products, clinical stakeholders and building a product team from zero."),
        ("Growth product manager: experiments, funnels, pricing",
         ["Product management", "Growth marketing", "Statistics"],
         "A/B tests that mean something, activation metrics and pricing pages."),
    ]),
    "data": (["Software", "Fintech", "Healthcare", "Energy"], [
        ("Senior data scientist, forecasting and experimentation",
         ["Data science", "Statistics", "Python", "SQL"],
         "Demand forecasting, causal inference and explaining models to executives."),
        ("Machine learning engineer shipping models to production",
         ["Machine learning", "Python", "Data engineering", "AWS"],
         "Feature stores, model monitoring and MLOps that a small team can maintain."),
        ("Analytics engineer: dbt, SQL and trustworthy dashboards",
         ["Data engineering", "SQL", "Data science"],
         "I help analysts become analytics engineers and teams stop arguing about numbers."),
        ("Data lead who moved from academia to industry",
         ["Data science", "Career change", "Machine learning"],
         "PhD in physics, now leading a data team. Let's talk about leaving academia."),
    ]),
    "marketing": (["Marketing agencies", "E-commerce", "Media"], [
        ("Content marketing lead: SEO that brings customers, not just clicks",
         ["Content marketing", "SEO", "Writing"],
         "Editorial calendars, keyword research and measuring content by revenue."),
        ("Performance marketer managing seven-figure ad budgets",
         ["Performance marketing", "Growth marketing", "Statistics"],
         "Paid social, search, attribution and creative testing."),
        ("Growth marketer for early-stage start-ups",
         ["Growth marketing", "Entrepreneurship", "Content marketing"],
         "From zero to first thousand users on a shoestring budget."),
    ]),
    "finance": (["Fintech", "Banking", "Consulting"], [
        ("Start-up CFO: models, fundraising and board decks",
         ["Financial modelling", "Fundraising", "FP&A"],
         "{years} years in finance and three venture rounds raised. I review models and pitch decks line by line."),
        ("Chartered accountant helping freelancers and small businesses",
         ["Accounting", "Personal finance"],
         "Taxes, invoicing and bookkeeping for people who would rather be doing their actual job."),
        ("Investment banker turned venture investor",
         ["Fundraising", "Financial modelling", "Career change"],
         "Breaking into VC, evaluating term sheets and talking to investors."),
        ("Financial planner: budgets, debt and first investments",
         ["Personal finance", "Teaching"],
         "Practical money conversations, free of jargon and product pitches."),
    ]),
    "law": (["Legal", "Software", "Non-profit"], [
        ("Tech lawyer: contracts and privacy for start-ups",
         ["Contract law", "Privacy law", "Startup law"],
         "SaaS agreements, GDPR programmes and what founders should never sign."),
        ("Employment lawyer advising employees and small employers",
         ["Employment law", "Salary negotiation"],
         "Severance, non-competes and contracts: understand your rights before you sign."),
        ("In-house counsel who moved from a big law firm",
         ["Contract law", "Career change", "Leadership"],
         "Life in-house versus private practice, and how to make the move."),
    ]),
    "healthcare": (["Healthcare", "Government", "Non-profit"], [
        ("Emergency physician and clinical informatics lead",
         ["Clinical practice", "Health tech", "Leadership"],
         "{years} years in emergency medicine. Medicine, burnout and building software clinicians actually use."),
        ("Nurse manager mentoring new graduates",
         ["Nursing", "Leadership", "Career change"],
         "Your first year on the ward, specialisation choices and leading a unit."),
        ("Public health researcher and epidemiologist",
         ["Public health", "Statistics", "Data science"],
         "Study design, grant writing and careers in public health."),
    ]),
    "speaking": (["Media", "Education", "Consulting"], [
        ("Keynote speaker and speaking coach",
         ["Public speaking", "Storytelling"],
         "From shaking hands to standing ovations: structure, delivery and handling questions."),
        ("Conference organiser who reviews hundreds of talk proposals",
         ["Public speaking", "Writing", "Storytelling"],
         "Write a proposal that gets accepted and a talk people remember."),
        ("Teacher trainer: explaining hard things simply",
         ["Teaching", "Public speaking"],
         "Workshops, lectures and online classes that keep people awake."),
    ]),
    "leadership": (["Software", "Consulting", "Manufacturing"], [
        ("VP engineering: scaling teams from 10 to 150",
         ["Leadership", "Engineering management", "System design"],
         "{years} years in the industry. Org design, hiring managers of managers and keeping culture while growing."),
        ("Executive coach for new directors",
         ["Leadership", "Storytelling", "Salary negotiation"],
         "Influence without authority, executive presence and your first 90 days."),
        ("Operations director in manufacturing",
         ["Leadership", "Project management"],
         "{years} years on factory floors: lean, running shifts across time zones and leading through change."),
    ]),
    "career": (["Software", "Education", "Consulting"], [
        ("Career coach for career changers into tech",
         ["Career change", "Resume review", "Interview preparation"],
         "I help teachers, nurses and lawyers land their first tech role."),
        ("Tech recruiter on the other side of the table",
         ["Interview preparation", "Resume review", "Salary negotiation"],
         "What recruiters look for, how to negotiate an offer and how to read a job ad."),
        ("Bootcamp graduate, now senior developer",
         ["Career change", "JavaScript", "Frontend engineering"],
         "I switched from hospitality at 31 and have written code for {years} years since. Let's plan your learning path."),
    ]),
    "business": (["Software", "E-commerce", "Energy"], [
        ("Founder who built and sold a bootstrapped SaaS",
         ["Entrepreneurship", "Sales", "Product strategy"],
         "Validating ideas, first customers and deciding whether to raise money."),
        ("Enterprise sales leader",
         ["Sales", "Customer success", "Salary negotiation"],
         "Discovery calls, long sales cycles and building a sales team."),
        ("Customer success director",
         ["Customer success", "Leadership", "Project management"],
         "Onboarding, renewals and turning support into a career."),
        ("Climate-tech founder and operator",
         ["Entrepreneurship", "Fundraising", "Project management"],
         "Hardware start-ups, grants and impact investors."),
    ]),
    "writing": (["Media", "Software", "Education"], [
        ("Technical writer and documentation lead",
         ["Writing", "Content marketing", "Teaching"],
         "Docs people read: structure, style guides and docs-as-code."),
        ("Journalist turned content strategist",
         ["Writing", "Storytelling", "Content marketing"],
         "Interviewing, editing and pitching stories."),
    ]),
}

MENTEES: list[dict] = [
    {"name": "Sam Taylor", "timezone": "America/New_York", "languages": ["en"], "career_stage": "early",
     "goals": "I'm a junior backend developer and want to prepare for a mid-level promotion and system design interviews.",
     "interests": ["System design", "Python", "Interview preparation"], "industries": ["Software"]},
    {"name": "Ana Ruiz", "timezone": "America/Mexico_City", "languages": ["es", "en"], "career_stage": "switching",
     "goals": "Soy profesora de secundaria y quiero cambiar a diseño UX. Necesito ayuda con mi portafolio y con "
              "entrevistas.", "interests": ["UX design", "Career change", "Resume review"], "industries": ["Software"]},
    {"name": "Felix Braun", "timezone": "Europe/Berlin", "languages": ["de", "en"], "career_stage": "mid",
     "goals": "Ich werde bald zum ersten Mal Teamleiter und möchte lernen, wie man gute Einzelgespräche führt und "
              "Feedback gibt.", "interests": ["Engineering management", "Leadership"], "industries": ["Software"]},
    {"name": "Ngozi Eze", "timezone": "Africa/Lagos", "languages": ["en"], "career_stage": "student",
     "goals": "Final-year computer science student looking for advice on getting a first data science job.",
     "interests": ["Data science", "Machine learning", "Resume review"], "industries": ["Fintech"]},
    {"name": "Lucas Pereira", "timezone": "America/Sao_Paulo", "languages": ["pt", "en", "es"], "career_stage": "mid",
     "goals": "I run a small online shop and want to grow it with better content and paid ads.",
     "interests": ["Growth marketing", "Performance marketing", "SEO"], "industries": ["E-commerce"]},
    {"name": "Isabel Moreno", "timezone": "Europe/Madrid", "languages": ["es", "en"], "career_stage": "early",
     "goals": "Quiero mejorar mis presentaciones en público; me pongo muy nerviosa en las reuniones con clientes.",
     "interests": ["Public speaking", "Storytelling"], "industries": ["Consulting"]},
    {"name": "Deepa Iyer", "timezone": "Asia/Kolkata", "languages": ["en", "hi", "ta"], "career_stage": "mid",
     "goals": "Product analyst hoping to move into product management within a year.",
     "interests": ["Product management", "Career change", "Statistics"], "industries": ["Software"]},
    {"name": "Tom Fischer", "timezone": "Europe/Vienna", "languages": ["de", "en"], "career_stage": "senior",
     "goals": "Ich möchte ein Start-up gründen und brauche Hilfe bei Finanzplanung und der ersten Finanzierungsrunde.",
     "interests": ["Fundraising", "Financial modelling", "Entrepreneurship"], "industries": ["Energy"]},
    {"name": "Hina Kobayashi", "timezone": "Asia/Tokyo", "languages": ["ja", "en"], "career_stage": "early",
     "goals": "Nurse with three years' experience curious about health tech and product roles.",
     "interests": ["Health tech", "Product management", "Career change"], "industries": ["Healthcare"]},
    {"name": "Jack Murphy", "timezone": "Australia/Sydney", "languages": ["en"], "career_stage": "mid",
     "goals": "Negotiating a new job offer and want to understand equity and salary bands.",
     "interests": ["Salary negotiation", "Interview preparation"], "industries": ["Software"]},
    {"name": "Amélie Girard", "timezone": "Europe/Paris", "languages": ["fr", "en"], "career_stage": "student",
     "goals": "Law student interested in privacy law and tech companies.",
     "interests": ["Privacy law", "Contract law"], "industries": ["Legal", "Software"]},
    {"name": "Omar Khalil", "timezone": "Asia/Dubai", "languages": ["ar", "en"], "career_stage": "switching",
     "goals": "Accountant learning Python and SQL to become a data analyst.",
     "interests": ["Python", "SQL", "Data science", "Career change"], "industries": ["Banking"]},
]

# More profiles, so every demo mentor has their own (no two share a headline).
FIELDS["engineering"][1].extend([
    ("Android engineer and Kotlin enthusiast", ["Android", "Java", "System design"],
     "Modern Android architecture, Jetpack Compose and getting through mobile interviews."),
    ("Data platform engineer: streams, warehouses and cost control", ["Data engineering", "AWS", "Python"],
     "Kafka, Spark and keeping a cloud bill under control."),
    ("Open-source maintainer and Python core contributor", ["Python", "Writing", "Backend engineering"],
     "Getting your first pull request merged and growing a community around a project."),
    ("Site reliability engineer: incidents, SLOs and calm on-call", ["DevOps", "Kubernetes", "Leadership"],
     "Post-mortems without blame, alerting that wakes you only when it matters."),
])
FIELDS["design"][1].extend([
    ("Service designer for public services", ["User research", "UX design", "Storytelling"],
     "Designing for everyone, including people who never use apps."),
    ("Motion and interaction designer", ["UI design", "Figma", "Brand design"],
     "Micro-interactions, prototyping and presenting motion to stakeholders."),
])
FIELDS["product"][1].extend([
    ("Technical product manager for developer tools", ["Product management", "System design", "Writing"],
     "APIs as products, developer experience and writing specs engineers respect."),
    ("Product operations lead", ["Project management", "Product strategy", "Statistics"],
     "Planning cycles, OKRs and the data that keeps a product org honest."),
])
FIELDS["data"][1].extend([
    ("Applied NLP researcher", ["Machine learning", "Python", "Writing"],
     "Language models in practice: evaluation, fine-tuning and when not to use them."),
    ("BI lead: dashboards executives actually open", ["SQL", "Data science", "Storytelling"],
     "Metric definitions, data storytelling and stakeholder management."),
])
FIELDS["marketing"][1].extend([
    ("Brand marketing manager in consumer goods", ["Content marketing", "Brand design", "Storytelling"],
     "Positioning, campaigns and working with agencies."),
    ("SEO consultant for international sites", ["SEO", "Content marketing", "Frontend engineering"],
     "Technical SEO, hreflang and multilingual content."),
])
FIELDS["finance"][1].append(
    ("FP&A manager: budgets that survive contact with reality", ["FP&A", "Financial modelling", "Leadership"],
     "Forecasting, variance analysis and presenting numbers to non-finance leaders."))
FIELDS["law"][1].append(
    ("Start-up lawyer: incorporation, equity and term sheets", ["Startup law", "Fundraising", "Contract law"],
     "Founder agreements, option pools and reading a term sheet clause by clause."))
FIELDS["healthcare"][1].append(
    ("Pharmacist turned health-tech product lead", ["Health tech", "Product management", "Career change"],
     "Moving from clinical work into product without losing the clinical perspective."))
FIELDS["speaking"][1].append(
    ("Podcast host and interview coach", ["Storytelling", "Public speaking", "Interview preparation"],
     "Sounding like yourself on a microphone and in job interviews."))
FIELDS["career"][1].extend([
    ("Career coach for returners after a career break", ["Career change", "Resume review", "Leadership"],
     "Explaining a gap, refreshing skills and negotiating flexible work."),
    ("Hiring manager who has read 5,000 CVs", ["Resume review", "Interview preparation", "Engineering management"],
     "What gets a CV shortlisted and how to prepare for a technical interview."),
])

# Years of experience per headline, where the bio tells it ("{years} years ..."): the bio is
# formatted from the same number, so the two can never contradict each other. Other mentors get a
# seeded number in YEARS_RANGE.
YEARS: dict[str, int] = {
    "Staff engineer helping backend developers grow into tech leads": 12,
    "Platform engineer who has run Kubernetes in production since its early days": 11,
    "Product manager who switched from engineering": 10,
    "Engineering manager coaching first-time managers": 14,
    "VP engineering: scaling teams from 10 to 150": 19,
    "Start-up CFO: models, fundraising and board decks": 16,
    "Emergency physician and clinical informatics lead": 13,
    "Bootcamp graduate, now senior developer": 7,
    "Operations director in manufacturing": 22,
}
YEARS_RANGE = (4, 20)


def mentor_bio(bio: str, years: int) -> str:
    return bio.format(years=years)


# --- History: what mentees asked and what they wrote afterwards --------------------------------
# (topic, question) per field; mentees ask one specific question, as the booking form asks them to.
QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "engineering": [
        ("Design doc review", "Can you review my design doc for a rate limiter and tell me where it breaks at 10x load?"),
        ("Senior to staff", "What did you do differently in the year before your staff promotion?"),
        ("Code review habits", "How do I give code review comments that juniors do not take personally?"),
        ("On-call", "Our on-call rota burns people out; how would you restructure alerts and escalation?"),
    ],
    "design": [
        ("Portfolio review", "Which two case studies in my portfolio should I cut, and why?"),
        ("Working with engineers", "How do you hand off designs so engineers stop rebuilding components?"),
        ("Research synthesis", "I have 14 interview transcripts; how do I turn them into three clear findings?"),
    ],
    "product": [
        ("Roadmap prioritisation", "How do I say no to a sales-driven feature request without losing the account team?"),
        ("PM interviews", "Can we run a mock product-sense interview on a feature for a banking app?"),
        ("Metrics", "Which activation metric would you pick for a B2B onboarding flow with a 14-day trial?"),
    ],
    "data": [
        ("Experiment design", "Our A/B test shows a lift only on Mondays; how do I tell noise from a real effect?"),
        ("First data job", "Which portfolio project would make a hiring manager call me back?"),
        ("Model monitoring", "What is the smallest monitoring setup that catches data drift before customers do?"),
    ],
    "marketing": [
        ("SEO plan", "Which twenty pages should I write first for a small online shop?"),
        ("Ad budget", "How would you split a 3,000-euro monthly budget between search and social?"),
        ("Content calendar", "How far ahead do you plan content, and who approves it?"),
    ],
    "finance": [
        ("Financial model", "Can you check the churn and hiring assumptions in my three-year model?"),
        ("Fundraising", "How do I know whether my seed valuation ask is reasonable?"),
        ("Personal budget", "How much emergency fund is enough before I start investing?"),
    ],
    "law": [
        ("Contract review", "Which clauses in a SaaS agreement should a small vendor push back on first?"),
        ("GDPR", "What is the minimum GDPR paperwork a five-person start-up needs?"),
        ("Non-compete", "Is the non-compete in my offer letter likely to be enforceable?"),
    ],
    "healthcare": [
        ("Clinical to tech", "How do I explain clinical experience on a product manager CV?"),
        ("First year on the ward", "How did you cope with night shifts in your first year?"),
        ("Grant writing", "How do I structure the aims page of my first research grant?"),
    ],
    "speaking": [
        ("Conference talk", "Can you give feedback on the outline of my first 20-minute conference talk?"),
        ("Nerves", "My voice shakes in client meetings; what can I practise before the next one?"),
        ("Talk proposal", "Why do you think my talk proposal was rejected twice?"),
    ],
    "leadership": [
        ("First 90 days", "What should I do in my first 90 days as a new director?"),
        ("Difficult conversation", "How do I tell a senior engineer their behaviour in meetings is a problem?"),
        ("Scaling a team", "When did you split your team, and how did you choose the new leads?"),
    ],
    "career": [
        ("Career change", "I am a teacher with some Python; which first tech role is realistic within a year?"),
        ("Salary negotiation", "They offered 72k; how do I ask for more without losing the offer?"),
        ("CV review", "Does my CV read like a list of duties? What would you rewrite first?"),
    ],
    "business": [
        ("First customers", "How did you find your first ten paying customers?"),
        ("Sales process", "How many discovery calls should I do before I write a proposal?"),
        ("Raise or bootstrap", "At what revenue would you stop bootstrapping and raise money?"),
    ],
    "writing": [
        ("Docs structure", "How would you restructure our API docs so new users find the quickstart?"),
        ("Pitching", "How do I pitch a story to an editor who has never heard of me?"),
    ],
}

# Review comments per field: specific, the way people write them after a good session.
COMMENTS: dict[str, list[str]] = {
    "engineering": [
        "Walked through my design doc line by line and found the single point of failure I had missed.",
        "Very concrete advice on the step to staff: I left with three projects to propose to my manager.",
        "Reviewed a real pull request of mine and showed me how to split it into reviewable pieces.",
        "Calm, practical and honest about trade-offs. Our on-call rota is already better.",
        "Knew exactly which interview questions to expect and ran a mock system design round with me.",
    ],
    "design": [
        "Honest portfolio feedback: cut two case studies, rewrote the third intro. Two interviews since.",
        "Showed me how she hands off designs to engineers; we copied her checklist the next day.",
        "Great at turning my messy research notes into three findings I could present.",
        "Generous with examples from her own work and very clear about what hiring managers look for.",
    ],
    "product": [
        "Helped me frame a roadmap conversation with sales without sounding defensive.",
        "The mock product-sense interview was tough and exactly what I needed before the real one.",
        "Clear thinking about activation metrics; we changed our onboarding dashboard that week.",
        "Shared how she made the switch from engineering, including the mistakes. Very useful.",
    ],
    "data": [
        "Explained why our A/B test result was probably noise and how to size the next one properly.",
        "Looked at my portfolio and suggested one project that finally got me callbacks.",
        "Practical MLOps advice for a team of two, no buzzwords.",
        "Made causal inference feel approachable. I now know which questions to ask our analysts.",
    ],
    "marketing": [
        "Gave me a list of twenty pages to write first and the reasoning behind each.",
        "Reworked my ad budget split on the call; cost per order dropped within two weeks.",
        "Very specific feedback on my content calendar and who should own what.",
    ],
    "finance": [
        "Found two wrong assumptions in my financial model in the first ten minutes.",
        "Straight answers about seed valuations and how investors read a model.",
        "Patient and clear about budgeting; no product pitches, just advice.",
    ],
    "law": [
        "Pointed out the three clauses to push back on in our SaaS agreement. Saved us a lot of worry.",
        "Explained the non-compete in plain language and what to ask HR before signing.",
        "A clear GDPR to-do list for a tiny team, in order of importance.",
    ],
    "healthcare": [
        "Helped me describe ten years of nursing in words product teams understand.",
        "Honest about burnout and very kind. I came away with a plan for my next rota.",
        "Clear structure for my grant aims page; my supervisor noticed the difference.",
    ],
    "speaking": [
        "Restructured my talk outline so it has one clear message. Accepted at the conference!",
        "Gave me two breathing exercises and a way to open meetings that actually works.",
        "Read my rejected proposal and explained exactly why; the rewrite got in.",
    ],
    "leadership": [
        "A concrete 90-day plan and good questions to ask my new peers.",
        "Role-played the difficult conversation with me; it went far better than I feared.",
        "Shared how he split his team and chose leads. Very candid.",
    ],
    "career": [
        "Realistic advice about moving from teaching to tech, with a learning plan for six months.",
        "Helped me counter an offer politely; I got 8% more and a better title.",
        "Rewrote my CV bullet points into achievements in half an hour.",
    ],
    "business": [
        "Told me how he found his first ten customers and which channels wasted his time.",
        "Very practical on discovery calls; I have a script now.",
        "Good framework for deciding whether to raise money, and honest about the downsides.",
    ],
    "writing": [
        "Restructured our docs navigation on the call. Support tickets about setup have dropped.",
        "Great advice on pitching editors, with examples of pitches that worked.",
    ],
}
GENERIC_COMMENTS = [
    "Came prepared with notes on my question. Thirty minutes well spent.",
    "Friendly, direct and generous with examples. Booking again next month.",
    "Exactly the outside view I needed. Clear next steps.",
    "",
    "",
]
THREE_STAR_COMMENTS = [
    "Useful, but we ran out of time before getting to my portfolio. I'd book the longer session next time.",
    "Good general advice, though less specific to my situation than I hoped.",
    "Helpful in parts; the call started ten minutes late because of connection problems.",
]
REPLIES_THANKS = [
    "Thank you! Send me the revised version when it is ready; happy to take another look.",
    "So glad it helped. Good luck with the interview!",
]
REPLIES_CRITICAL = [
    "Thanks for the honest feedback. Next time share the material a day ahead and we will get through all of it.",
    "Sorry about the late start; the room link has been fixed since.",
]
MENTOR_FEEDBACK = [
    "Came well prepared with a clear question; easy to help.",
    "Good session. Worth practising the story of your last project out loud before interviews.",
]
CANCEL_REASONS = [
    "Something urgent came up at work, sorry. I will book another time.",
    "I am ill today and would rather not do the call like this.",
    "My flight was moved; I will rebook next week.",
]
NO_SHOW_REASONS = [
    "I waited in the call for 15 minutes and sent a message; no answer.",
    "Nobody joined the room; I checked the link and waited until the end.",
]
DECLINE_REASONS = [
    "I am not the right person for this question; try someone who works in that field.",
    "That week got too busy, sorry. Please pick a time the week after.",
]

# Mentees who only appear in the history: enough of them that no one has an implausible number of
# sessions. (name, zone, interests)
COMMUNITY_MENTEES: list[tuple[str, str, list[str]]] = [
    ("Priyanka Das", "Asia/Kolkata", ["Data science", "Python"]), ("Ben Carter", "Europe/London", ["Leadership"]),
    ("Laura Schmidt", "Europe/Berlin", ["UX design", "Figma"]), ("Kenji Watanabe", "Asia/Tokyo", ["iOS", "System design"]),
    ("Fatima Zahra", "Africa/Casablanca", ["Career change", "Resume review"]),
    ("Daniel Novak", "Europe/Prague", ["Backend engineering", "Go"]),
    ("Sofia Rossi", "Europe/Rome", ["Public speaking", "Storytelling"]),
    ("Michael O'Brien", "Europe/Dublin", ["Fundraising", "Financial modelling"]),
    ("Chen Wei", "Asia/Shanghai", ["Machine learning", "Data engineering"]),
    ("Emma Larsen", "Europe/Oslo", ["Product management", "User research"]),
    ("Ahmed Hassan", "Africa/Cairo", ["Security", "Backend engineering"]),
    ("Julia Costa", "America/Sao_Paulo", ["Growth marketing", "SEO"]),
    ("Ryan Park", "America/Los_Angeles", ["Engineering management", "Leadership"]),
    ("Zanele Dube", "Africa/Johannesburg", ["Personal finance", "Accounting"]),
    ("Lucas Martin", "Europe/Paris", ["Privacy law", "Contract law"]),
    ("Aiko Suzuki", "Asia/Tokyo", ["Health tech", "Product strategy"]),
    ("Grace Mwangi", "Africa/Nairobi", ["Public health", "Statistics"]),
    ("Mateus Lima", "America/Sao_Paulo", ["Entrepreneurship", "Sales"]),
    ("Hannah Weber", "Europe/Vienna", ["Writing", "Content marketing"]),
    ("Carlos Vega", "America/Mexico_City", ["Frontend engineering", "React"]),
    ("Olivia Brown", "America/Chicago", ["Salary negotiation", "Interview preparation"]),
    ("Noor Al-Sayed", "Asia/Dubai", ["Project management", "Customer success"]),
    ("Tomasz Nowak", "Europe/Warsaw", ["DevOps", "Kubernetes"]),
    ("Ingrid Berg", "Europe/Stockholm", ["Design systems", "UI design"]),
    ("Samuel Adeyemi", "Africa/Lagos", ["SQL", "Data science"]),
    ("Maya Cohen", "America/New_York", ["Career change", "Product management"]),
    ("Arnav Gupta", "Asia/Kolkata", ["Android", "Java"]), ("Eva Horvat", "Europe/Budapest", ["Teaching", "Public speaking"]),
    ("Jake Thompson", "Australia/Sydney", ["Performance marketing", "Growth marketing"]),
    ("Mariana Pérez", "America/Bogota", ["Nursing", "Leadership"]),
    ("Kofi Boateng", "Africa/Accra", ["Employment law", "Salary negotiation"]),
    ("Lea Meier", "Europe/Zurich", ["FP&A", "Financial modelling"]),
    ("Nathan Lee", "America/Toronto", ["Clinical practice", "Health tech"]),
    ("Sara Lindgren", "Europe/Helsinki", ["Brand design", "Storytelling"]),
    ("Yusuf Demir", "Europe/Istanbul", ["Startup law", "Entrepreneurship"]),
    ("Isla Campbell", "Pacific/Auckland", ["Engineering management", "Interview preparation"]),
]
