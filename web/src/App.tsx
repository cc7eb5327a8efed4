import { Redirect, Route, Switch } from "wouter";
import { Layout } from "./components/Layout";
import { CandidatesPage } from "./pages/caseworker/CandidatesPage";
import { PurposeProvider } from "./pages/caseworker/purpose";
import { SeekersPage } from "./pages/caseworker/SeekersPage";
import { SeekerVisitPage } from "./pages/caseworker/SeekerVisitPage";
import { AccessLogPage } from "./pages/seeker/AccessLogPage";
import { ExplanationPage } from "./pages/seeker/ExplanationPage";
import { MatchesPage } from "./pages/seeker/MatchesPage";
import { PrivacyPage } from "./pages/seeker/PrivacyPage";
import { ProfilePage } from "./pages/seeker/ProfilePage";
import { SuggestionsPage } from "./pages/seeker/SuggestionsPage";
import { SignInPage } from "./pages/SignInPage";
import { useSession } from "./session";

export function App() {
  const { session } = useSession();
  return (
    <Layout>
      {session === null ? <SignInPage /> : session.role === "seeker" ? <SeekerRoutes /> : <CaseworkerRoutes />}
    </Layout>
  );
}

function SeekerRoutes() {
  return (
    <Switch>
      <Route path="/matches">
        <MatchesPage />
      </Route>
      <Route path="/matches/:postingId">{(params) => <ExplanationPage postingId={Number(params.postingId)} />}</Route>
      <Route path="/profile">
        <ProfilePage />
      </Route>
      <Route path="/suggestions">
        <SuggestionsPage />
      </Route>
      <Route path="/access-log">
        <AccessLogPage />
      </Route>
      <Route path="/privacy">
        <PrivacyPage />
      </Route>
      <Route>
        <Redirect to="/matches" replace />
      </Route>
    </Switch>
  );
}

function CaseworkerRoutes() {
  return (
    <PurposeProvider>
      <Switch>
        <Route path="/caseworker">
          <SeekersPage />
        </Route>
        <Route path="/caseworker/candidates">
          <CandidatesPage />
        </Route>
        <Route path="/caseworker/seekers/:seekerId">{(params) => <SeekerVisitPage key={params.seekerId} seekerId={params.seekerId} />}</Route>
        <Route path="/caseworker/seekers/:seekerId/matches/:postingId">
          {(params) => <SeekerVisitPage seekerId={params.seekerId} postingId={Number(params.postingId)} />}
        </Route>
        <Route>
          <Redirect to="/caseworker" replace />
        </Route>
      </Switch>
    </PurposeProvider>
  );
}
