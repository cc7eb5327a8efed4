import { usePosting } from "../api/queries";
import { useI18n } from "../i18n/i18n";

/** Where a posting is: its municipalities (the match item carries no place, the posting does). */
export function PostingPlace({ postingId, place }: { postingId: number; place?: string | null }) {
  const { t } = useI18n();
  const posting = usePosting(postingId);
  if (place) return <>{place}</>;
  if (!posting.data) return <>{posting.isError ? t("unknownPlace") : "…"}</>;
  const names = [...new Set(posting.data.locations.map((where) => where.municipality ?? where.postal_code).filter(Boolean))];
  return <>{names.length ? names.join(", ") : t("unknownPlace")}</>;
}
