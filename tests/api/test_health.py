from fastapi.testclient import TestClient

from app import __version__
from app.main import create_app


def test_health_reports_ok_and_version():
    client = TestClient(create_app())
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}
