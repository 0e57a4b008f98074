"""Which jobs each real GitHub delivery asks for (payloads from @octokit/webhooks-examples)."""

from github_service import example

from countersign.service import events


def test_a_pull_request_push_queues_one_evaluation_of_its_new_head():
    payload = example("pull_request.synchronize")
    routed = events.route("pull_request", payload)
    (job,) = routed.jobs
    assert job.task == events.EVALUATE
    assert job.args["head_sha"] == payload["pull_request"]["head"]["sha"]
    assert job.args["number"] == payload["number"]
    # Coalesced per head, serialised per pull request.
    assert (
        job.queueing_lock
        == f"eval:Codertocat/Hello-World#{payload['number']}@{job.args['head_sha']}"
    )
    assert job.lock == f"pr:Codertocat/Hello-World#{payload['number']}"


def test_a_review_is_its_own_job_bound_to_the_commit_it_reviewed():
    payload = example("pull_request_review.submitted")
    (job,) = events.route("pull_request_review", payload).jobs
    assert job.task == events.REVIEW
    assert job.args["commit_id"] == payload["review"]["commit_id"]
    assert job.args["login"] == payload["review"]["user"]["login"]
    assert job.queueing_lock is None  # never coalesced away
    assert job.lock == events.pr_lock("Codertocat/Hello-World", payload["pull_request"]["number"])


def test_a_dismissal_is_routed_as_a_review_job():
    (job,) = events.route("pull_request_review", example("pull_request_review.dismissed")).jobs
    assert (job.task, job.args["action"]) == (events.REVIEW, "dismissed")


def test_a_command_comment_on_a_pull_request_queues_the_command():
    payload = example("issue_comment.created")
    payload["comment"]["body"] = "/countersign explain"
    payload["issue"]["pull_request"] = {"url": "https://api.github.com/repos/x/y/pulls/1"}
    (job,) = events.route("issue_comment", payload).jobs
    assert job.task == events.COMMAND
    assert job.args["body"] == "/countersign explain"


def test_ordinary_comments_and_commands_on_issues_queue_nothing():
    payload = example("issue_comment.created")
    assert events.route("issue_comment", payload).ignored == "not a /countersign command"
    payload["comment"]["body"] = "/countersign refresh"
    assert "not a pull request" in events.route("issue_comment", payload).ignored


def test_a_merge_group_is_evaluated_by_its_own_head():
    payload = example("merge_group.checks_requested")
    (job,) = events.route("merge_group", payload).jobs
    assert job.task == events.MERGE_GROUP
    assert job.args["head_sha"] == payload["merge_group"]["head_sha"]


def test_a_rerequested_suite_reevaluates_its_pull_requests_or_reconciles():
    payload = example("check_suite.rerequested")
    routed = events.route("check_suite", payload)
    tasks = {j.task for j in routed.jobs}
    assert tasks <= {events.EVALUATE, events.RECONCILE_REPOSITORY}
    assert routed.jobs


def test_a_push_to_the_default_branch_reconciles_the_repository():
    payload = example("push")
    payload["ref"] = f"refs/heads/{payload['repository']['default_branch']}"
    (job,) = events.route("push", payload).jobs
    assert job.task == events.RECONCILE_REPOSITORY
    payload["ref"] = "refs/heads/feature"
    assert events.route("push", payload).jobs == ()


def test_installation_events_sync_the_installation():
    (job,) = events.route("installation", example("installation.created")).jobs
    assert job.task == events.INSTALLATION


def test_events_without_an_installation_are_ignored():
    payload = example("pull_request.opened")
    del payload["installation"]
    assert events.route("pull_request", payload).ignored == "not from an installation of this App"


def test_pull_request_actions_that_change_nothing_read_are_ignored():
    payload = example("pull_request.opened", action="assigned")
    assert events.route("pull_request", payload).jobs == ()


def test_event_time_comes_from_the_payload_and_push_has_none():
    assert events.event_time("pull_request", example("pull_request.opened")) is not None
    assert events.event_time("push", example("push")) is None


def test_a_merge_queue_branch_names_its_pull_request_and_head():
    sha = "a" * 40
    assert events.queue_entry(f"refs/heads/gh-readonly-queue/main/pr-12-{sha}") == (12, sha)
    assert events.queue_entry(f"gh-readonly-queue/release/1.x/pr-3-{sha}") == (3, sha)
    assert events.queue_entry("refs/heads/main") is None
    assert events.queue_entry(f"gh-readonly-queue/main/pr-x-{sha}") is None


def test_a_dismissal_of_an_old_review_is_not_taken_for_a_stale_replay():
    """Its only timestamp is when the review was submitted, maybe weeks ago."""
    payload = example("pull_request_review.dismissed")
    payload["review"]["submitted_at"] = "2019-05-15T15:20:38Z"
    assert events.event_time("pull_request_review", payload) is None
    submitted = example("pull_request_review.submitted")
    assert events.event_time("pull_request_review", submitted) is not None


def test_an_issue_labelled_incident_queues_its_recording_and_a_plain_issue_nothing():
    plain = example("issues.opened")
    assert events.route("issues", plain).ignored == "an issue without an incident label"
    labelled = example("issues.labeled")
    labelled["issue"]["labels"][0]["name"] = "incident"
    (job,) = events.route("issues", labelled).jobs
    assert job.task == events.INCIDENTS
    assert (job.args["source"], job.args["by"]) == ("github", "github:Codertocat")
    assert [i["id"] for i in job.args["incidents"]] == ["#1"]
    assert job.lock == "incidents:Codertocat/Hello-World"
    assert job.queueing_lock is None
    labelled["action"] = "assigned"
    assert events.route("issues", labelled).ignored == "issues assigned changes no incident"


def test_another_apps_check_finishing_evaluates_its_pull_requests_again():
    payload = example("check_run.completed")
    (job,) = events.route("check_run", payload).jobs
    assert job.task == events.EVALUATE
    assert job.args["number"] == payload["check_run"]["pull_requests"][0]["number"]
    assert job.args["head_sha"] == payload["check_run"]["head_sha"]


def test_our_own_check_run_finishing_asks_for_nothing():
    payload = example("check_run.completed")
    payload["check_run"]["name"] = "countersign"
    assert events.route("check_run", payload).ignored == "our own check run"
