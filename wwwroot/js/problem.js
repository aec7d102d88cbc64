// What the server said when it refused a request: the detail of its application/problem+json body.

/** The problem's detail (or title), or "HTTP <status>" when the body says nothing readable. */
export async function problemDetail(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}
