"""deploy/k8s validated offline: every manifest against the Kubernetes JSON schemas that `kubernetes-validate`
ships (strict: unknown fields are errors), then what schemas cannot see — probes, resources, autoscalers and
budgets pointing at real workloads, and settings the app accepts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from entrypoints.settings import Settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"  # the oldest release these manifests support (sleep preStop hooks)
VERSION = tomllib.loads((K8S.parents[1] / "pyproject.toml").read_text())["project"]["version"]


def documents() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return [doc for name in kustomization["resources"] for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents() if doc["kind"] == kind}


def pod_templates() -> dict[str, dict[str, Any]]:
    workloads = {**of_kind("Deployment"), **of_kind("Job")}
    return {name: workload["spec"]["template"] for name, workload in workloads.items()}


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize("version", [KUBERNETES_VERSION, kubernetes_validate.latest_version()])
def test_every_manifest_is_valid_against_the_kubernetes_schemas(version: str) -> None:
    for document in documents():
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{document['kind']}/{document['metadata']['name']} on {version}: {error.message}")


def test_a_manifest_with_a_mistake_is_caught() -> None:
    broken = of_kind("Deployment")["askvideo-api"]
    broken["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["pathh"] = "/x"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_api_is_probed_on_its_health_endpoints() -> None:
    api = pod_templates()["askvideo-api"]["spec"]["containers"][0]
    assert api["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert api["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert api["command"] == ["askvideo", "serve", "--api-only"]


def test_every_container_has_probes_resources_and_a_pinned_image() -> None:
    for name, template in pod_templates().items():
        for container in template["spec"]["containers"]:
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), name
            assert {"cpu", "memory"} <= set(resources["limits"]), name
            assert container["image"].endswith(f":{VERSION}"), f"{name}: {container['image']}"
            if template["spec"].get("restartPolicy") != "Never":  # a Job's pod ends by itself
                assert "livenessProbe" in container, name
                assert "readinessProbe" in container, name


def test_the_app_runs_as_the_images_non_root_user() -> None:
    dockerfile = (K8S.parent / "Dockerfile").read_text()
    uid = re.search(r"^USER (\d+):(\d+)$", dockerfile, re.MULTILINE)
    assert uid is not None
    for name, template in pod_templates().items():
        if name == "askvideo-web":
            continue  # the official nginx image: its workers drop to the nginx user
        context = template["spec"]["securityContext"]
        assert context["runAsNonRoot"] is True
        assert str(context["runAsUser"]) == uid.group(1)
        assert template["spec"]["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True


def test_autoscalers_scale_the_api_on_cpu_and_the_workers_on_the_queue() -> None:
    deployments = of_kind("Deployment")
    hpas = of_kind("HorizontalPodAutoscaler")
    for hpa in hpas.values():
        assert hpa["spec"]["scaleTargetRef"]["name"] in deployments
    api_metric = hpas["askvideo-api"]["spec"]["metrics"][0]
    assert (api_metric["type"], api_metric["resource"]["name"]) == ("Resource", "cpu")
    worker_metric = hpas["askvideo-worker"]["spec"]["metrics"][0]
    assert worker_metric["type"] == "External"
    assert worker_metric["external"]["metric"]["name"] == "askvideo_queue_depth"
    assert hpas["askvideo-api"]["spec"]["minReplicas"] >= 2


def test_disruption_budgets_cover_every_deployment() -> None:
    deployments = of_kind("Deployment")
    budgets = of_kind("PodDisruptionBudget")
    covered = {
        name
        for budget in budgets.values()
        for name, deployment in deployments.items()
        if budget["spec"]["selector"]["matchLabels"].items()
        <= deployment["spec"]["template"]["metadata"]["labels"].items()
    }
    assert covered == set(deployments)


def test_services_select_pods_and_the_web_upstream_names_the_api_service() -> None:
    deployments = of_kind("Deployment")
    for service in of_kind("Service").values():
        assert any(
            service["spec"]["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
            for d in deployments.values()
        )
    upstream = of_kind("ConfigMap")["askvideo-web-upstream"]["data"]["upstream.conf"]
    assert f"server askvideo-api:{of_kind('Service')['askvideo-api']['spec']['ports'][0]['port']}" in upstream


@pytest.mark.parametrize("workload", ["askvideo-api", "askvideo-worker", "askvideo-migrate"])
def test_the_app_pods_start_with_valid_production_settings(workload: str) -> None:
    config_maps, secrets = of_kind("ConfigMap"), of_kind("Secret")
    container = pod_templates()[workload]["spec"]["containers"][0]
    environment: dict[str, str] = {"ASKVIDEO_DATA_DIR": "/data"}
    for source in container["envFrom"]:
        if "configMapRef" in source:
            environment.update(config_maps[source["configMapRef"]["name"]]["data"])
        else:
            environment.update(secrets[source["secretRef"]["name"]]["stringData"])
    environment.update({item["name"]: item["value"] for item in container.get("env", [])})
    settings = Settings.from_env(environment)
    assert settings.environment == "production"
    assert not settings.embedded
    assert settings.storage == "s3"  # pods share no disk
