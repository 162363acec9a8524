"""Code lists of the case record, named after their HTCDS 2.0 fields (``vic_``, ``cas_``, ``hte_``,
``per_``, ``spl_``); values are HTCDS value names, so export to HTCDS is a rename.

Lists the network needs and HTCDS lacks are marked "Not in HTCDS" in their docstrings.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TraffickingStatus(models.TextChoices):
    """HTCDS ``vic_TraffickingStatus``."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Identified victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class TraffickingStatusDecisionMakingOrg(models.TextChoices):
    """HTCDS ``vic_TraffickingStatusDecisionMakingOrg``."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT = "CourtOrProsecution", _("Court or prosecution")
    GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Other government body")
    OTHER = "Other", _("Other")


class IdentificationActor(models.TextChoices):
    """Who first identified the person (OSCE NRM, GRETA). Not in HTCDS."""

    POLICE = "Police", _("Police")
    BORDER_GUARD = "BorderGuard", _("Border guard")
    LABOUR_INSPECTORATE = "LabourInspectorate", _("Labour inspectorate")
    PROSECUTION = "Prosecution", _("Prosecution")
    NGO = "NGO", _("NGO")
    SOCIAL_SERVICES = "SocialServices", _("Social services")
    HEALTH = "HealthServices", _("Health services")
    MIGRATION = "MigrationAuthority", _("Migration or asylum authority")
    EMBASSY = "Embassy", _("Embassy or consulate")
    INTERNATIONAL = "InternationalOrganisation", _("International organisation")
    HOTLINE = "Hotline", _("Hotline")
    SELF = "SelfIdentified", _("Self-identified")
    FAMILY = "FamilyOrCommunity", _("Family or community")
    OTHER = "Other", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    """HTCDS ``vic_RelationshipToTrafficker`` (HTCDS spells "Unaquainted"; kept for export)."""

    FAMILIAL = "Familial", _("Family member or partner")
    ACQUAINTED = "Acquainted", _("Acquaintance")
    UNACQUAINTED = "Unaquainted", _("Stranger")


class WebsitesAndApps(models.TextChoices):
    """HTCDS ``vic_RecruitmentWebsitesAndApps`` and ``vic_ExploitationWebsitesAndApps``."""

    FACEBOOK = "Facebook", "Facebook"
    INSTAGRAM = "Instagram", "Instagram"
    WHATSAPP = "WhatsApp", "WhatsApp"
    TELEGRAM = "Telegram", "Telegram"
    MESSENGER = "FacebookMessenger", "Facebook Messenger"
    VIBER = "Viber", "Viber"
    SNAPCHAT = "SnapChat", "Snapchat"
    LINE = "Line", "Line"
    FOURSALE = "4Sale", "4Sale"
    WECHAT = "WeChat", "WeChat"
    QQ = "QQ", "QQ"
    QZONE = "QZone", "QZone"
    TIKTOK = "TikTok", "TikTok"
    TWITTER = "Twitter", "X (Twitter)"
    OTHER = "Other", _("Other")


class MethodOfRecruitment(models.TextChoices):
    """HTCDS ``vic_MethodOfRecruitment``."""

    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class MethodsOfControl(models.TextChoices):
    """HTCDS ``vic_MethodsOfControl`` (HTCDS has a stray space after DebtBondage; dropped)."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_CHILDREN_FAMILY = "ThreatensChildrenFamily", _("Threats against children or family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts access to money")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Psychoactive substances")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class TypeOfExploitation(models.TextChoices):
    """HTCDS ``vic_TypeOfExploitation``. ``CriminalActivities`` is added: Directive 2011/36/EU
    names exploitation of criminal activities, and the network counts it."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military service (non-state)")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    CRIMINAL_ACTIVITIES = "CriminalActivities", _("Forced criminal activities")
    OTHER = "Other", _("Other")


class ForcedLabourIndustry(models.TextChoices):
    """HTCDS ``vic_ForcedLabourIndustry``: ISIC Rev.4 sections."""

    A = "A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")
    B = "B_MiningAndQuarrying", _("Mining and quarrying")
    C = "C_Manufacturing", _("Manufacturing")
    D = "D_ElectricityGasSteamAndAirConditioningSupply", _("Electricity, gas, steam supply")
    E = "E_WaterSupplySewerageWasteManagement", _("Water supply, sewerage, waste")
    F = "F_Construction", _("Construction")
    G = "G_WholesaleAndRetailTradeRepairOfMotorVehicles", _("Wholesale and retail trade")
    H = "H_TransportationAndStorage", _("Transportation and storage")
    I = "I_AccommodationAndFoodServiceActivities", _("Accommodation and food services")  # noqa: E741
    J = "J_InformationAndCommunication", _("Information and communication")
    K = "K_FinancialAndInsuranceActivities", _("Financial and insurance activities")
    L = "L_RealEstateActivities", _("Real estate")
    M = "M_ProfessionalScientificAndTechnicalActivities", _("Professional and technical activities")
    N = "N_AdministrativeAndSupportServiceActivities", _("Administrative and support services")
    O = "O_PublicAdministrationAndDefence", _("Public administration and defence")  # noqa: E741
    P = "P_Education", _("Education")
    Q = "Q_HumanHealthAndSocialWorkActivities", _("Health and social work")
    R = "R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")
    S = "S_OtherServiceActivities", _("Other services")
    T = "T_ActivitiesOfHouseholdsAsEmployers", _("Households as employers (domestic work)")
    U = "U_ActivitiesOfExtraterritorialOrganizations", _("Extraterritorial organisations")


class TypeOfSexExploitation(models.TextChoices):
    """HTCDS ``vic_TypeOfSexExploitation``."""

    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE_INTERACTIVE = "RemoteInteractiveServices", _("Remote interactive services (webcam)")
    PRIVATE_SEXUAL_SERVICES = "PrivateSexualServices", _("Private sexual services")


class Vulnerabilities(models.TextChoices):
    """HTCDS ``vic_Vulnerabilities``."""

    ADDICTION = "Addiction", _("Addiction")
    SOCIAL_GROUP = "SocialGroup", _("Belonging to a marginalised social group")
    DISCRIMINATION = "Discrimination", _("Discrimination")
    POVERTY = "Poverty", _("Poverty")
    DISABILITY = "DisabilityAndPhysicalHealth", _("Disability or physical health")
    MENTAL_HEALTH = "MentalHealth", _("Mental health")
    MIGRATION = "Migration", _("Migration status")
    HOMELESSNESS = "Homelessness", _("Homelessness")
    ABUSE_SOCIAL_MEDIA = "AbuseSocialMedia", _("Abuse on social media")
    ABUSE_PHYSICAL = "AbusePhysical", _("Physical abuse in the past")
    EDUCATION = "Education", _("Little education")
    WORK_ENVIRONMENT = "WorkEnvironment", _("Work environment")


class CaseStatus(models.TextChoices):
    """HTCDS ``cas_Status``."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed, referred")


class ReasonForCaseClosure(models.TextChoices):
    """Why a case was closed. HTCDS has free text (``cas_ReasonForCaseClosure``); the network
    codes it, so that closures can be counted without reading notes."""

    GOALS_ACHIEVED = "GoalsAchieved", _("Support goals achieved")
    CLIENT_DECISION = "ClientDecision", _("The client ended the support")
    LOST_CONTACT = "LostContact", _("Contact lost")
    REFERRED = "Referred", _("Referred to another organisation")
    RELOCATED = "Relocated", _("The client moved away or returned home")
    NOT_ELIGIBLE = "NotEligible", _("Not a trafficking case")
    DECEASED = "Deceased", _("Deceased")
    OTHER = "Other", _("Other")


class TraffickingEventType(models.TextChoices):
    """HTCDS ``hte_Type``."""

    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class RoleInProcess(models.TextChoices):
    """HTCDS ``per_RoleInProcess``."""

    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSFERRED = "TransferredIndividual", _("Transferred the person")
    HARBOURED = "HarbouredIndividual", _("Harboured the person")
    SOLD = "SoldIndividual", _("Sold the person")
    BOUGHT = "BoughtIndividual", _("Bought the person")
    RECEIVED = "ReceivedIndividual", _("Received the person")
    CONTROLLED = "ControlledIndividual", _("Controlled the person")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


class SupportPlanType(models.TextChoices):
    """HTCDS ``spl_Type``."""

    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_REHABILITATION = (
        "LabourExploitationRehabilitation",
        _("Rehabilitation after labour exploitation"),
    )
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SEXUAL_REHABILITATION = (
        "SexualExploitationRehabilitation",
        _("Rehabilitation after sexual exploitation"),
    )
    SOCIAL_CARE = "SocialCare", _("Social care")


class ServiceType(models.TextChoices):
    """The services the network gives. Finer than HTCDS ``spl_Type``; ``HTCDS_TYPE`` maps each one
    to its HTCDS value for export."""

    SAFE_ACCOMMODATION = "SafeAccommodation", _("Shelter or safe accommodation")
    MEDICAL = "Medical", _("Medical care")
    PSYCHOLOGICAL = "Psychological", _("Psychological support")
    LEGAL_COUNSELLING = "LegalCounselling", _("Legal counselling")
    LEGAL_REPRESENTATION = "LegalRepresentation", _("Legal representation")
    INTERPRETATION = "Interpretation", _("Interpretation")
    MATERIAL = "MaterialAssistance", _("Material assistance")
    FINANCIAL = "FinancialAssistance", _("Financial assistance")
    EDUCATION = "Education", _("Education and training")
    LIVELIHOOD = "Livelihood", _("Employment and livelihood")
    RETURN = "Return", _("Assisted return")
    REINTEGRATION = "Reintegration", _("Reintegration")
    SOCIAL_CARE = "SocialCare", _("Social care and case management")
    OTHER = "Other", _("Other")


HTCDS_TYPE: dict[str, str] = {
    ServiceType.SAFE_ACCOMMODATION: SupportPlanType.SOCIAL_CARE,
    ServiceType.MEDICAL: SupportPlanType.HEALTH,
    ServiceType.PSYCHOLOGICAL: SupportPlanType.HEALTH,
    ServiceType.LEGAL_COUNSELLING: SupportPlanType.LEGAL,
    ServiceType.LEGAL_REPRESENTATION: SupportPlanType.LEGAL,
    ServiceType.INTERPRETATION: SupportPlanType.SOCIAL_CARE,
    ServiceType.MATERIAL: SupportPlanType.FINANCIAL,
    ServiceType.FINANCIAL: SupportPlanType.FINANCIAL,
    ServiceType.EDUCATION: SupportPlanType.EDUCATION,
    ServiceType.LIVELIHOOD: SupportPlanType.LIVELIHOOD,
    ServiceType.RETURN: SupportPlanType.SOCIAL_CARE,
    ServiceType.REINTEGRATION: SupportPlanType.SOCIAL_CARE,
    ServiceType.SOCIAL_CARE: SupportPlanType.SOCIAL_CARE,
    ServiceType.OTHER: SupportPlanType.SOCIAL_CARE,
}


class ServiceOutcome(models.TextChoices):
    """How a service ended. Not in HTCDS."""

    ONGOING = "Ongoing", _("Ongoing")
    COMPLETED = "Completed", _("Completed")
    INTERRUPTED = "Interrupted", _("Interrupted")
    DECLINED = "Declined", _("Declined by the client")
    NOT_AVAILABLE = "NotAvailable", _("Needed but not available")


class ProviderKind(models.TextChoices):
    """Who gave a service. Not in HTCDS."""

    OWN = "own", _("Our organisation")
    NETWORK = "network", _("Another organisation of the network")
    DIRECTORY = "directory", _("An organisation from the directory")


class LegalStep(models.TextChoices):
    """Steps of legal proceedings and residence rights. Not in HTCDS (the COMP.ACT work needs it)."""

    REFLECTION_PERIOD = "ReflectionPeriod", _("Reflection and recovery period")
    RESIDENCE_PERMIT = "ResidencePermit", _("Residence permit")
    COMPLAINT = "Complaint", _("Complaint to the police")
    INVESTIGATION = "Investigation", _("Investigation")
    PROSECUTION = "Prosecution", _("Prosecution")
    TRIAL = "Trial", _("Trial")
    VERDICT = "Verdict", _("Verdict")
    APPEAL = "Appeal", _("Appeal")


class LegalOutcome(models.TextChoices):
    """Outcome of a legal step. Not in HTCDS."""

    PENDING = "Pending", _("Pending")
    GRANTED = "Granted", _("Granted")
    REFUSED = "Refused", _("Refused")
    CONVICTION = "Conviction", _("Conviction for trafficking")
    CONVICTION_OTHER = "ConvictionOtherOffence", _("Conviction for another offence")
    ACQUITTAL = "Acquittal", _("Acquittal")
    DISMISSED = "Dismissed", _("Dismissed or discontinued")
    WITHDRAWN = "Withdrawn", _("Withdrawn")


class CompensationRoute(models.TextChoices):
    """How compensation was sought. Not in HTCDS (COMP.ACT)."""

    CRIMINAL = "Criminal", _("Criminal proceedings")
    CIVIL = "Civil", _("Civil court")
    LABOUR = "LabourCourt", _("Labour court")
    STATE_FUND = "StateFund", _("State compensation fund")
    SETTLEMENT = "Settlement", _("Out-of-court settlement")
