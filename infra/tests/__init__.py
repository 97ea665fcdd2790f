"""Tests of the Terraform in infra/, run with the real terraform binary."""
