import { Alert, Box, Button, Checkbox, Heading, HGrid, HStack, Select, Textarea, TextField, VStack } from "@navikt/ds-react";
import { useState } from "react";
import { useSaveProfile } from "../../api/queries";
import { FactorSelect } from "../../components/FactorSelect";
import { ProblemMessage } from "../../components/ProblemMessage";
import { useI18n } from "../../i18n/i18n";
import { STAY_FACTORS } from "../../i18n/vocab";
import { locationsFrom, occupationsFrom, placesText, splitList, toSeekerIn, type SeekerIn } from "./profileForm";
import { SeekerGate, type OwnProfile } from "./SeekerGate";

export function ProfilePage() {
  return <SeekerGate>{(own) => <ProfileForm key={own.profile.id} own={own} />}</SeekerGate>;
}

function ProfileForm({ own }: { own: OwnProfile }) {
  const { t } = useI18n();
  // What the user types lives here until a save succeeds; a failed save never resets it.
  const [draft, setDraft] = useState<SeekerIn>(() => toSeekerIn(own.profile));
  const wishes = draft.wishes ?? { occupations: [], locations: [] };
  const notForMe = draft.not_for_me ?? {};
  const [occupations, setOccupations] = useState(() => (wishes.occupations ?? []).map((occupation) => occupation.code).join(", "));
  const [places, setPlaces] = useState(() => placesText(wishes.locations ?? []));
  const [distance, setDistance] = useState(() => String(wishes.locations?.[0]?.max_distance_km ?? ""));
  const [keywords, setKeywords] = useState(() => (notForMe.keywords ?? []).join(", "));
  const [employers, setEmployers] = useState(() => (notForMe.employers ?? []).join(", "));
  const save = useSaveProfile();
  const experience = draft.experience ?? [];
  const skills = draft.skills ?? [];
  const update = (patch: Partial<SeekerIn>) => {
    save.reset();
    setDraft((before) => ({ ...before, ...patch }));
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const kilometres = distance.trim() ? Number(distance) : null;
    const profile: SeekerIn = {
      ...draft,
      wishes: { ...wishes, occupations: occupationsFrom(occupations, wishes.occupations ?? []), locations: locationsFrom(places, kilometres) },
      not_for_me: { ...notForMe, keywords: splitList(keywords), employers: splitList(employers) },
    };
    save.mutate({ seekerId: own.profile.id, profile, etag: own.etag });
  };

  return (
    <form onSubmit={submit} noValidate>
      <VStack gap="space-32">
        <Heading level="1" size="large">
          {t("profileHeading")}
        </Heading>
        <Textarea label={t("summary")} value={draft.summary ?? ""} maxLength={10000} minRows={4}
          onChange={(event) => update({ summary: event.target.value })} />

        <fieldset className="plain-fieldset">
          <legend><Heading level="2" size="medium" as="span">{t("experience")}</Heading></legend>
          <VStack gap="space-16">
            {experience.map((job, index) => (
              <Box key={index} padding="space-12" borderWidth="1" borderRadius="8">
                <VStack gap="space-8">
                  <HGrid columns={{ xs: 1, sm: "3fr 1fr" }} gap="space-8">
                    <TextField label={t("experienceTitle")} value={job.title}
                      onChange={(event) => update({ experience: experience.map((item, at) => (at === index ? { ...item, title: event.target.value } : item)) })} />
                    <TextField label={t("experienceYears")} type="number" inputMode="decimal" value={job.years ?? ""}
                      onChange={(event) => update({ experience: experience.map((item, at) => (at === index ? { ...item, years: event.target.value === "" ? null : Number(event.target.value) } : item)) })} />
                  </HGrid>
                  <Textarea label={t("experienceDescription")} value={job.description ?? ""} minRows={2}
                    onChange={(event) => update({ experience: experience.map((item, at) => (at === index ? { ...item, description: event.target.value } : item)) })} />
                  <div>
                    <Button type="button" size="small" variant="tertiary" aria-label={t("removeLabel", { name: job.title || String(index + 1) })}
                      onClick={() => update({ experience: experience.filter((_, at) => at !== index) })}>
                      {t("remove")}
                    </Button>
                  </div>
                </VStack>
              </Box>
            ))}
            <div>
              <Button type="button" size="small" variant="secondary" onClick={() => update({ experience: [...experience, { title: "", description: "", years: null }] })}>
                {t("addExperience")}
              </Button>
            </div>
          </VStack>
        </fieldset>

        <fieldset className="plain-fieldset">
          <legend><Heading level="2" size="medium" as="span">{t("skills")}</Heading></legend>
          <VStack gap="space-12">
            {skills.map((skill, index) => (
              <HGrid key={index} columns={{ xs: 1, sm: "3fr 1fr 1fr auto" }} gap="space-8" align="end">
                <TextField label={t("skillName")} value={skill.name}
                  onChange={(event) => update({ skills: skills.map((item, at) => (at === index ? { ...item, name: event.target.value } : item)) })} />
                <Select label={`${t("skillLevel")}: ${skill.name}`} hideLabel={false} value={skill.level ?? 3}
                  onChange={(event) => update({ skills: skills.map((item, at) => (at === index ? { ...item, level: Number(event.target.value) } : item)) })}>
                  {[1, 2, 3, 4, 5].map((level) => <option key={level} value={level}>{level}</option>)}
                </Select>
                <Checkbox checked={skill.wants_to_use ?? true}
                  onChange={(event) => update({ skills: skills.map((item, at) => (at === index ? { ...item, wants_to_use: event.target.checked } : item)) })}>
                  {t("wantsToUse")}<span className="visually-hidden">: {skill.name}</span>
                </Checkbox>
                <Button type="button" size="small" variant="tertiary" aria-label={t("removeLabel", { name: skill.name || String(index + 1) })}
                  onClick={() => update({ skills: skills.filter((_, at) => at !== index) })}>
                  {t("remove")}
                </Button>
              </HGrid>
            ))}
            <div>
              <Button type="button" size="small" variant="secondary" onClick={() => update({ skills: [...skills, { name: "", level: 3, wants_to_use: true }] })}>
                {t("addSkill")}
              </Button>
            </div>
          </VStack>
        </fieldset>

        <fieldset className="plain-fieldset">
          <legend><Heading level="2" size="medium" as="span">{t("wishes")}</Heading></legend>
          <VStack gap="space-12">
            <TextField label={t("wishedOccupations")} value={occupations} onChange={(event) => { save.reset(); setOccupations(event.target.value); }} />
            <HGrid columns={{ xs: 1, sm: "3fr 1fr" }} gap="space-8">
              <TextField label={t("wishedPlaces")} value={places} onChange={(event) => { save.reset(); setPlaces(event.target.value); }} />
              <TextField label={t("maxDistance")} type="number" inputMode="numeric" value={distance}
                onChange={(event) => { save.reset(); setDistance(event.target.value); }} />
            </HGrid>
          </VStack>
        </fieldset>

        <fieldset className="plain-fieldset">
          <legend><Heading level="2" size="medium" as="span">{t("notForMe")}</Heading></legend>
          <VStack gap="space-12">
            <TextField label={t("notForMeKeywords")} value={keywords} onChange={(event) => { save.reset(); setKeywords(event.target.value); }} />
            <TextField label={t("notForMeEmployers")} value={employers} onChange={(event) => { save.reset(); setEmployers(event.target.value); }} />
          </VStack>
        </fieldset>

        <fieldset className="plain-fieldset">
          <legend><Heading level="2" size="medium" as="span">{t("stayHeading")}</Heading></legend>
          <VStack gap="space-12">
            <p className="fieldset-intro">{t("stayIntro")}</p>
            <HGrid columns={{ xs: 2, sm: 4, lg: 7 }} gap="space-12">
              {STAY_FACTORS.map((factor) => (
                <FactorSelect key={factor} factor={factor} value={draft.stay_factors?.[factor] ?? "none"}
                  onChange={(level) => update({ stay_factors: { ...draft.stay_factors, [factor]: level } })} />
              ))}
            </HGrid>
            <Checkbox checked={draft.use_stay_prior ?? true} onChange={(event) => update({ use_stay_prior: event.target.checked })}>
              {t("useStayPrior")}
            </Checkbox>
          </VStack>
        </fieldset>

        <div aria-live="polite">
          {save.isSuccess && <Alert variant="success">{t("profileSaved")}</Alert>}
          {save.error ? (
            <VStack gap="space-8">
              <Alert variant="warning" size="small">{t("savingFailed")}</Alert>
              <ProblemMessage error={save.error} />
            </VStack>
          ) : null}
        </div>
        <HStack>
          <Button type="submit" loading={save.isPending}>
            {t("saveProfile")}
          </Button>
        </HStack>
      </VStack>
    </form>
  );
}
