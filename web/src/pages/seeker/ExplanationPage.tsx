import type { Importance, StayFactor } from "../../i18n/vocab";
import { ExplanationView } from "../../components/ExplanationView";
import { overridesSearch, useWhatIf } from "../../whatIf";
import { SeekerGate } from "./SeekerGate";

export function ExplanationPage({ postingId }: { postingId: number }) {
  return (
    <SeekerGate>
      {({ profile }) => <SeekerExplanation seekerId={profile.id} levels={profile.stay_factors ?? {}} postingId={postingId} />}
    </SeekerGate>
  );
}

function SeekerExplanation({ seekerId, levels, postingId }: { seekerId: string; levels: Partial<Record<StayFactor, Importance>>; postingId: number }) {
  const { overrides } = useWhatIf(levels);
  return <ExplanationView seekerId={seekerId} postingId={postingId} overrides={overrides} backHref={`/matches${overridesSearch(overrides)}`} />;
}
