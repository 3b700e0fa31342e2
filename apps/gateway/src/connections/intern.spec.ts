import { intern } from './intern';

describe('intern', () => {
  it('returns the first copy for an equal object', () => {
    const a = intern({ name: 'echo', input_schema: { type: 'object' } });
    const b = intern(JSON.parse('{"name":"echo","input_schema":{"type":"object"}}') as object);
    expect(b).toBe(a);
  });

  it('keeps different values apart, including a string and its JSON look-alike', () => {
    const a = intern({ name: 'echo' });
    expect(intern({ name: 'add' })).not.toBe(a);
    expect(intern({ name: 'add' })).toEqual({ name: 'add' });
    expect(intern('{"name":"echo"}')).toBe('{"name":"echo"}');
  });
});
