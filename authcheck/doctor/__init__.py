"""`authcheck doctor`: why does the backend answer 401 to a Better Auth token?"""

from authcheck.doctor.model import BackendCall, Diagnosis, DoctorReport, Outcome, TokenFacts
from authcheck.doctor.run import run_doctor

__all__ = ["BackendCall", "Diagnosis", "DoctorReport", "Outcome", "TokenFacts", "run_doctor"]
